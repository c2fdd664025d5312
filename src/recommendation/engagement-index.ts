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
  /** Every seen item (disliked ones too), with the user's strongest affinity (0..1): what the collaborative model learns from. */
  strength: Map<string, number>;
  /** Items with a positive weight, the user's strongest signal per item. */
  positive: Map<string, number>;
  /** Items the user disliked (rated 2 or less). */
  negative: Set<string>;
  /** The best rating given per item, for reasons ("rated it 5 stars"). */
  ratings: Map<string, number>;
  /** The strongest kind of positive interaction per item, for reasons ("which you bought"). */
  kinds: Map<string, InteractionKind>;
}

export interface EngagementRow {
  userId: string;
  itemId: string;
  kind: InteractionKind;
  value: number | null;
  /** When it happened (the log gives atMs, new interactions `at`); trending popularity reads it. */
  atMs?: number;
  at?: Date;
}

/** Everything one user's interactions with one item say, folded (maxima, so the order of rows does not matter). */
interface ItemFacts {
  affinity: number;
  positive: number;
  kind: InteractionKind | null;
  rating: number | null;
  disliked: boolean;
  /** When the user first engaged with the item (ms; −Infinity when rows carried no time). */
  firstAtMs: number;
}

function emptyEngagement(): UserEngagement {
  return { seen: new Set(), affinity: new Map(), strength: new Map(), positive: new Map(), negative: new Set(), ratings: new Map(), kinds: new Map() };
}

/**
 * An in-memory view of all interactions: per user what they saw, liked and disliked, and per
 * item how many users engaged with it. Built once from the interaction log, then kept current
 * row by row (`add`) and by erasures (`removeUsers`, `removeItems`, `removeForUser`), so no
 * request ever rebuilds it (the serving side of a Gorse-style split: the log is written by the
 * API, this index is derived). Every change bumps `version`, for caches derived from it.
 */
export class EngagementIndex {
  readonly users = new Map<string, UserEngagement>();
  /** Distinct users who engaged with each item at all. */
  readonly popularity = new Map<string, number>();
  /** Bumped on every change. */
  version = 0;
  private readonly facts = new Map<string, Map<string, ItemFacts>>();
  /** Users of each item, so an item's erasure touches only them. */
  private readonly usersOf = new Map<string, Set<string>>();
  /** Users left out of counts (flagged AUTOMATED): their own engagement is kept, they add nothing to popularity. */
  private readonly uncounted = new Set<string>();

  static build(rows: Iterable<EngagementRow>): EngagementIndex {
    const index = new EngagementIndex();
    index.add(rows);
    return index;
  }

  /** Folds new interactions in. */
  add(rows: Iterable<EngagementRow>): void {
    for (const row of rows) {
      let facts = this.facts.get(row.userId);
      if (!facts) {
        this.facts.set(row.userId, (facts = new Map()));
        this.users.set(row.userId, emptyEngagement());
      }
      let f = facts.get(row.itemId);
      if (!f) {
        facts.set(row.itemId, (f = { affinity: 0, positive: 0, kind: null, rating: null, disliked: false, firstAtMs: Infinity }));
        let users = this.usersOf.get(row.itemId);
        if (!users) this.usersOf.set(row.itemId, (users = new Set()));
        users.add(row.userId);
        if (!this.uncounted.has(row.userId)) this.popularity.set(row.itemId, (this.popularity.get(row.itemId) ?? 0) + 1);
      }
      f.firstAtMs = Math.min(f.firstAtMs, row.atMs ?? row.at?.getTime() ?? -Infinity);
      f.affinity = Math.max(f.affinity, affinityWeight(row.kind, row.value));
      const weight = engagementWeight(row.kind, row.value);
      if (weight > f.positive) [f.positive, f.kind] = [weight, row.kind];
      if (row.kind === 'RATING' && row.value !== null) {
        f.rating = Math.max(row.value, f.rating ?? -Infinity);
        if (row.value <= 2) f.disliked = true;
      }
      this.derive(this.users.get(row.userId)!, row.itemId, f);
    }
    this.version++;
  }

  /** Users flagged AUTOMATED: from now on they count in no item's popularity nor in segment statistics. */
  stopCounting(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      if (this.uncounted.has(userId)) continue;
      this.uncounted.add(userId);
      for (const itemId of this.facts.get(userId)?.keys() ?? []) this.decrement(itemId);
    }
    this.version++;
  }

  /** Whether the user counts in popularity and segment statistics. */
  counts(userId: string): boolean {
    return !this.uncounted.has(userId);
  }

  /** Users with engagement who count (the population of popularity shares). */
  countedUserCount(): number {
    let uncountedWithEngagement = 0;
    for (const id of this.uncounted) if (this.users.has(id)) uncountedWithEngagement++;
    return this.users.size - uncountedWithEngagement;
  }

  private decrement(itemId: string): void {
    const n = (this.popularity.get(itemId) ?? 0) - 1;
    if (n > 0) this.popularity.set(itemId, n);
    else this.popularity.delete(itemId);
  }

  /** Erasure of users: they no longer count anywhere. */
  removeUsers(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      this.removeForUser(userId, null);
      this.uncounted.delete(userId);
    }
  }

  /** Erasure of items: no user has engaged with them any more. */
  removeItems(itemIds: Iterable<string>): void {
    for (const itemId of itemIds) {
      for (const userId of this.usersOf.get(itemId) ?? []) this.forget(userId, itemId);
      this.usersOf.delete(itemId);
      this.popularity.delete(itemId);
    }
    this.version++;
  }

  /** A user's interactions with these items (all when null) are gone. */
  removeForUser(userId: string, itemIds: Iterable<string> | null): void {
    const facts = this.facts.get(userId);
    if (facts) {
      for (const itemId of itemIds === null ? [...facts.keys()] : itemIds) {
        if (!facts.has(itemId)) continue;
        this.forget(userId, itemId);
        const users = this.usersOf.get(itemId);
        if (users?.delete(userId) && !this.uncounted.has(userId)) this.decrement(itemId);
        if (users && users.size === 0) (this.usersOf.delete(itemId), this.popularity.delete(itemId));
      }
    }
    this.version++;
  }

  /** Every counted user's engagement with each item and when it first happened (trending popularity). */
  *engagements(): Iterable<{ itemId: string; atMs: number }> {
    for (const [userId, facts] of this.facts) {
      if (this.uncounted.has(userId)) continue;
      for (const [itemId, f] of facts) yield { itemId, atMs: f.firstAtMs };
    }
  }

  user(id: string): UserEngagement {
    return this.users.get(id) ?? emptyEngagement();
  }

  /** Drops one (user, item) pair from the user's view (not from the item's user set). */
  private forget(userId: string, itemId: string): void {
    const facts = this.facts.get(userId);
    const user = this.users.get(userId);
    if (!facts || !user) return;
    facts.delete(itemId);
    user.seen.delete(itemId);
    user.affinity.delete(itemId);
    user.strength.delete(itemId);
    user.positive.delete(itemId);
    user.negative.delete(itemId);
    user.ratings.delete(itemId);
    user.kinds.delete(itemId);
    if (facts.size === 0) (this.facts.delete(userId), this.users.delete(userId));
  }

  /** The user's view of one item from its folded facts. */
  private derive(user: UserEngagement, itemId: string, f: ItemFacts): void {
    user.seen.add(itemId);
    user.strength.set(itemId, f.affinity);
    if (f.positive > 0) {
      user.positive.set(itemId, f.positive);
      user.kinds.set(itemId, f.kind!);
    }
    if (f.rating !== null) user.ratings.set(itemId, f.rating);
    // A dislike with no positive signal is no reason to recommend an item, nor to call two users alike.
    if (f.disliked && f.positive <= 0) {
      user.negative.add(itemId);
      user.affinity.delete(itemId);
    } else {
      user.negative.delete(itemId);
      user.affinity.set(itemId, f.affinity);
    }
  }
}
