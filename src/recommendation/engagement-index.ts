import type { InteractionKind } from '../interactions/interaction.js';

/** How much one interaction says a user wants more of an item; ≤ 0 means they do not. */
export function engagementWeight(kind: InteractionKind, value: number | null): number {
  switch (kind) {
    case 'RATING':
      // 5 → 1, 4 → 0.5, 3 → 0, below → negative.
      return value === null ? 0 : (value - 3) / 2;
    case 'PURCHASE':
      return 1;
    case 'LIKE':
      return 1;
    case 'CLICK':
      return 0.5;
    case 'VIEW':
      return 0.25;
  }
}

/**
 * How strongly an interaction says the user is into an item at all (0..1): any rating
 * means they watched or bought it, a high one more so. Used by collaborative filtering,
 * where having engaged is itself the strongest signal.
 */
export function affinityWeight(kind: InteractionKind, value: number | null): number {
  switch (kind) {
    case 'RATING':
      return value === null ? 0.5 : Math.min(1, Math.max(0.1, value / 5));
    case 'PURCHASE':
    case 'LIKE':
      return 1;
    case 'CLICK':
      return 0.5;
    case 'VIEW':
      return 0.3;
  }
}

export interface UserEngagement {
  /** Every item the user interacted with (for "already seen"). */
  seen: Set<string>;
  /** Every item not disliked, with the user's strongest affinity (0..1) to it. */
  affinity: Map<string, number>;
  /** Items with a positive weight, the user's strongest signal per item. */
  positive: Map<string, number>;
  /** Items the user disliked (rated 2 or less). */
  negative: Set<string>;
  /** The best rating given per item, for reasons ("rated it 5 stars"). */
  ratings: Map<string, number>;
  /** The strongest kind of positive interaction per item, for reasons ("which you bought"). */
  kinds: Map<string, InteractionKind>;
}

/**
 * An in-memory view of all interactions, rebuilt when they change: per user what they
 * saw, liked and disliked, and per item how many users engaged positively. Pure data;
 * built by the recommendation service from the interaction log (the serving side of a
 * Gorse-style split: the log is written by the API, this index is derived).
 */
export class EngagementIndex {
  readonly users = new Map<string, UserEngagement>();
  /** Distinct users who engaged with each item at all. */
  readonly popularity = new Map<string, number>();

  static build(rows: Iterable<{ userId: string; itemId: string; kind: InteractionKind; value: number | null }>): EngagementIndex {
    const index = new EngagementIndex();
    for (const row of rows) {
      let user = index.users.get(row.userId);
      if (!user) {
        user = { seen: new Set(), affinity: new Map(), positive: new Map(), negative: new Set(), ratings: new Map(), kinds: new Map() };
        index.users.set(row.userId, user);
      }
      user.seen.add(row.itemId);
      user.affinity.set(row.itemId, Math.max(affinityWeight(row.kind, row.value), user.affinity.get(row.itemId) ?? 0));
      const weight = engagementWeight(row.kind, row.value);
      if (weight > (user.positive.get(row.itemId) ?? 0)) {
        user.positive.set(row.itemId, weight);
        user.kinds.set(row.itemId, row.kind);
      }
      if (row.kind === 'RATING' && row.value !== null) {
        user.ratings.set(row.itemId, Math.max(row.value, user.ratings.get(row.itemId) ?? -Infinity));
        if (row.value <= 2) user.negative.add(row.itemId);
      }
    }
    for (const user of index.users.values()) {
      for (const item of user.negative) {
        if (user.positive.has(item)) user.negative.delete(item);
        // A dislike is no reason to recommend an item, nor to call two users alike.
        else user.affinity.delete(item);
      }
      for (const item of user.seen) index.popularity.set(item, (index.popularity.get(item) ?? 0) + 1);
    }
    return index;
  }

  user(id: string): UserEngagement {
    return this.users.get(id) ?? { seen: new Set(), affinity: new Map(), positive: new Map(), negative: new Set(), ratings: new Map(), kinds: new Map() };
  }
}
