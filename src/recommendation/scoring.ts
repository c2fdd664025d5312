/**
 * Pure scoring for the recommendation strategies: counts in, ranked items out.
 * No I/O; the service feeds them from the engagement index and vector searches.
 */
import type { EngagementIndex } from './engagement-index.js';

export interface ItemScore {
  itemId: string;
  score: number;
}

/** Sorted best first, ties by item id so answers are stable. */
export function ranked<T extends ItemScore>(scores: Iterable<T>): T[] {
  return [...scores].sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}

/** Global popularity: distinct users who engaged with the item. */
export function popularScores(index: EngagementIndex): Array<ItemScore & { users: number }> {
  return ranked([...index.popularity].map(([itemId, users]) => ({ itemId, score: users, users })));
}

export interface SegmentItemScore extends ItemScore {
  /** Members who engaged with it and did not dislike it. */
  members: number;
  /** members / segment size. */
  share: number;
  /** share / share among all users with interactions. */
  lift: number;
}

/**
 * What a segment engages with (disliking does not count) beyond overall popularity: share × lift^beta
 * (beta = 0: plain popularity inside the segment; 1: share²/overall share).
 */
export function segmentPopularScores(index: EngagementIndex, memberIds: Iterable<string>, beta: number): SegmentItemScore[] {
  const counts = new Map<string, number>();
  let size = 0;
  for (const id of memberIds) {
    // Flagged (automated-looking) members are no votes and no part of the segment's size.
    if (!index.counts(id)) continue;
    size++;
    const user = index.users.get(id);
    if (!user) continue;
    // A dislike (rated 2 or less) is no vote: an item the segment dislikes is never "popular with" it.
    for (const item of user.affinity.keys()) counts.set(item, (counts.get(item) ?? 0) + 1);
  }
  const population = Math.max(1, index.countedUserCount());
  const out: SegmentItemScore[] = [];
  for (const [itemId, members] of counts) {
    const share = members / size;
    const lift = share / ((index.popularity.get(itemId) ?? members) / population);
    out.push({ itemId, members, share, lift, score: share * lift ** beta });
  }
  return ranked(out);
}

export interface Neighbour {
  userId: string;
  /** Weight of the neighbour's opinion (similarity), > 0. */
  weight: number;
}

export interface NeighbourItemScore extends ItemScore {
  /** Neighbours who engaged positively. */
  supporters: number;
  /** Of those, how many rated it 5 stars. */
  fiveStars: number;
}

/** User-based collaborative filtering: Σ over neighbours of weight × their affinity to the item. */
export function neighbourScores(index: EngagementIndex, neighbours: readonly Neighbour[]): NeighbourItemScore[] {
  const scores = new Map<string, NeighbourItemScore>();
  for (const { userId, weight } of neighbours) {
    const user = index.users.get(userId);
    if (!user || weight <= 0) continue;
    for (const [itemId, engagement] of user.affinity) {
      let entry = scores.get(itemId);
      if (!entry) scores.set(itemId, (entry = { itemId, score: 0, supporters: 0, fiveStars: 0 }));
      entry.score += weight * engagement;
      entry.supporters++;
      if (user.ratings.get(itemId) === 5) entry.fiveStars++;
    }
  }
  return ranked(scores.values());
}

/** Cosine similarity of two users' item sets (binary). */
export function itemSetCosine(a: ReadonlySet<string> | ReadonlyMap<string, unknown>, b: ReadonlySet<string> | ReadonlyMap<string, unknown>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const item of small.keys()) if (large.has(item)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}

export interface FusedScore extends ItemScore {
  /** Each list's contribution to the score, by list name. */
  contributions: Map<string, number>;
}

/**
 * Weighted reciprocal rank fusion: score = Σ weight / (k + rank), rank from 1.
 * Robust to lists whose scores live on different scales.
 */
export function reciprocalRankFusion(lists: ReadonlyArray<{ name: string; weight: number; items: readonly string[] }>, k = 60): FusedScore[] {
  const fused = new Map<string, FusedScore>();
  for (const list of lists) {
    if (list.weight <= 0) continue;
    list.items.forEach((itemId, i) => {
      const contribution = list.weight / (k + i + 1);
      let entry = fused.get(itemId);
      if (!entry) fused.set(itemId, (entry = { itemId, score: 0, contributions: new Map() }));
      entry.score += contribution;
      entry.contributions.set(list.name, (entry.contributions.get(list.name) ?? 0) + contribution);
    });
  }
  return ranked(fused.values());
}

/**
 * CombSUM fusion (Fox & Shaw): score = Σ weight × score / (the list's best score), so each
 * list counts by how strongly it prefers an item, not only by position.
 */
export function normalisedScoreFusion(lists: ReadonlyArray<{ name: string; weight: number; items: readonly ItemScore[] }>): FusedScore[] {
  const fused = new Map<string, FusedScore>();
  for (const list of lists) {
    const top = list.items[0]?.score ?? 0;
    if (list.weight <= 0 || top <= 0) continue;
    for (const { itemId, score } of list.items) {
      const contribution = (list.weight * Math.max(0, score)) / top;
      let entry = fused.get(itemId);
      if (!entry) fused.set(itemId, (entry = { itemId, score: 0, contributions: new Map() }));
      entry.score += contribution;
      entry.contributions.set(list.name, (entry.contributions.get(list.name) ?? 0) + contribution);
    }
  }
  return ranked(fused.values());
}
