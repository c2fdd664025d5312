/** Number and text formatting shared by the panels. */

export const percent = (share: number, digits = 0): string => `${(share * 100).toFixed(digits)}%`;

export const ratio = (value: number): string => `×${value >= 10 ? value.toFixed(0) : value.toFixed(1)}`;

export const decimal = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined ? '–' : value.toFixed(digits));

export function shorten(text: string | null | undefined, max = 140): string {
  if (!text) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** What operators see a segment as: the name they gave it, else the automatic label. */
export const segmentTitle = (segment: { name: string | null; label: string }): string => segment.name ?? segment.label;

/**
 * One colour per segment index, the same in the plot, the legend and the cards (Tableau 10: distinct
 * and readable on white; indices past 10 repeat, runs rarely have more segments than that).
 */
const PALETTE = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'];

export const segmentColor = (index: number): string => PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
