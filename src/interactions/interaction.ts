export const INTERACTION_KINDS = ['VIEW', 'CLICK', 'LIKE', 'RATING', 'PURCHASE'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export interface Interaction {
  userId: string;
  itemId: string;
  kind: InteractionKind;
  /** Rating (0-5) for RATING; quantity or amount for others; absent when meaningless. */
  value: number | null;
  at: Date;
}

/**
 * The values each kind accepts (inclusive), documented in the README's limits. A RATING is
 * on the 0-5 scale and needs a value; a PURCHASE amount is bounded so sums over a user's
 * history stay exact in a double; VIEW, CLICK and LIKE may carry a count or a duration.
 */
export const INTERACTION_VALUE_RULES: Record<InteractionKind, { min: number; max: number; required: boolean }> = {
  VIEW: { min: 0, max: 1e6, required: false },
  CLICK: { min: 0, max: 1e6, required: false },
  LIKE: { min: 0, max: 1e6, required: false },
  RATING: { min: 0, max: 5, required: true },
  PURCHASE: { min: 0, max: 1e9, required: false },
};

/** Earliest accepted event time: the Unix epoch. Older dates are typos or placeholder values (0001-01-01). */
export const EARLIEST_INTERACTION_MS = Date.UTC(1970, 0, 1);
/** How far in the future an event time may lie (clock skew between clients), in ms. */
export const MAX_FUTURE_SKEW_MS = 24 * 3600 * 1000;
