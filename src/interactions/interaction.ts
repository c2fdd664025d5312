export const INTERACTION_KINDS = ['VIEW', 'CLICK', 'LIKE', 'RATING', 'PURCHASE'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export interface Interaction {
  userId: string;
  itemId: string;
  kind: InteractionKind;
  /** Rating (1-5) for RATING; quantity or amount for others; absent when meaningless. */
  value: number | null;
  at: Date;
}
