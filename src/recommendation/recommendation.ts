import type { Item } from '../items/item.js';

export const STRATEGIES = ['BLENDED', 'COLLABORATIVE', 'SEGMENT_POPULAR', 'SIMILAR_USERS', 'CONTENT', 'POPULAR'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface ItemFilter {
  /** Only items having at least one of these tags. */
  tags?: string[] | null;
  /** Never these items. */
  excludeIds?: string[] | null;
}

export interface RecommendOptions {
  limit: number;
  strategy: Strategy;
  filter?: ItemFilter | null;
  /** Include items the user already engaged with (default false). */
  includeSeen?: boolean;
  /** BLENDED only: fuse in the user's segment (default true). The evaluation turns it off to measure what segments add. */
  useSegments?: boolean;
  /**
   * The reference time of time-aware scores (trending popularity); default now. Not part of
   * the GraphQL API: an offline replay passes the time of the user's last interaction.
   */
  asOf?: Date;
}

export interface Recommendation {
  item: Item;
  /** Higher is better; comparable within one answer only. */
  score: number;
  /** The strategy that produced it (for BLENDED: the one that contributed most). */
  strategy: Strategy;
  /** A sentence a person can read, e.g. "popular with 'sci-fi · space', your segment". */
  reason: string;
}
