/**
 * Reference recommenders that run in memory on the training ratings. They validate the
 * protocol (their numbers are known for MovieLens 100k / ua) and frame the service's numbers:
 * anything worth shipping should beat global popularity.
 *
 * Every ranker ranks only items not in the user's training history.
 */
import { Random } from '../clustering/random.js';
import { compareIds } from './movielens.js';

export interface Rating {
  userId: string;
  itemId: string;
  value: number;
}

export interface Ranker {
  readonly name: string;
  /** The user's top k item ids, best first, none of them in the user's history. */
  rank(userId: string, k: number): string[];
}

type History = ReadonlyMap<string, ReadonlySet<string>>;

const EMPTY: ReadonlySet<string> = new Set();

/** 32-bit FNV-1a of a string, so a user's random list depends on the seed and the user only. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniformly random unseen items; the same seed gives the same list for a user whatever else is evaluated. */
export class RandomRanker implements Ranker {
  readonly name = 'random';

  constructor(
    private readonly catalogue: readonly string[],
    private readonly history: History,
    private readonly seed = 1,
  ) {}

  rank(userId: string, k: number): string[] {
    const seen = this.history.get(userId) ?? EMPTY;
    const candidates = this.catalogue.filter((id) => !seen.has(id));
    const random = new Random((this.seed ^ hash(userId)) >>> 0);
    const n = Math.min(k, candidates.length);
    // Partial Fisher-Yates: the first n slots become a uniform sample in random order.
    for (let i = 0; i < n; i++) {
      const j = i + random.int(candidates.length - i);
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    return candidates.slice(0, n);
  }
}

export interface PopularityOptions {
  /** Count only ratings at or above this value (1: every rating counts). */
  minRating?: number;
}

/** Items ordered by how many training ratings they have; ties by id. The same list for everyone, minus what they saw. */
export class PopularityRanker implements Ranker {
  readonly name: string;
  private readonly order: string[];
  readonly counts: ReadonlyMap<string, number>;

  constructor(
    ratings: Iterable<Rating>,
    private readonly history: History,
    catalogue: readonly string[] = [],
    options: PopularityOptions = {},
  ) {
    const minRating = options.minRating ?? 1;
    this.name = minRating > 1 ? `popularity (ratings ≥ ${minRating})` : 'popularity';
    const counts = new Map<string, number>(catalogue.map((id) => [id, 0]));
    for (const r of ratings) {
      if (!counts.has(r.itemId)) counts.set(r.itemId, 0);
      if (r.value >= minRating) counts.set(r.itemId, counts.get(r.itemId)! + 1);
    }
    this.counts = counts;
    this.order = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || compareIds(a, b));
  }

  rank(userId: string, k: number): string[] {
    const seen = this.history.get(userId) ?? EMPTY;
    const out: string[] = [];
    for (const id of this.order) {
      if (out.length >= k) break;
      if (!seen.has(id)) out.push(id);
    }
    return out;
  }
}

export interface UserKnnOptions {
  /** Neighbours per user (the most similar other users). */
  neighbours?: number;
}

/**
 * User-based k-nearest-neighbours on binary data: users are sets of rated items, similarity is
 * cosine |A ∩ B| / sqrt(|A| |B|), and an unseen item scores the summed similarity of the
 * neighbours who rated it. Ties by id.
 */
export class UserKnnRanker implements Ranker {
  readonly name: string;
  private readonly neighbours: number;
  private readonly userIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly itemIds: string[] = [];
  /** Item indices each user rated. */
  private readonly itemsOf: number[][] = [];
  /** User indices who rated each item. */
  private readonly ratersOf: number[][] = [];

  constructor(ratings: Iterable<Rating>, options: UserKnnOptions = {}) {
    this.neighbours = options.neighbours ?? 50;
    this.name = `user-kNN (${this.neighbours} neighbours)`;
    const itemIndex = new Map<string, number>();
    const pairs = new Set<string>();
    for (const r of ratings) {
      let u = this.userIndex.get(r.userId);
      if (u === undefined) {
        u = this.userIds.length;
        this.userIndex.set(r.userId, u);
        this.userIds.push(r.userId);
        this.itemsOf.push([]);
      }
      let i = itemIndex.get(r.itemId);
      if (i === undefined) {
        i = this.itemIds.length;
        itemIndex.set(r.itemId, i);
        this.itemIds.push(r.itemId);
        this.ratersOf.push([]);
      }
      const key = `${u}:${i}`;
      if (pairs.has(key)) continue; // a rating given twice is one rated item
      pairs.add(key);
      this.itemsOf[u]!.push(i);
      this.ratersOf[i]!.push(u);
    }
  }

  rank(userId: string, k: number): string[] {
    const u = this.userIndex.get(userId);
    if (u === undefined) return []; // no history, no neighbours
    const mine = this.itemsOf[u]!;
    const overlap = new Float64Array(this.userIds.length);
    for (const i of mine) for (const v of this.ratersOf[i]!) overlap[v]!++;
    overlap[u] = 0;
    const similarity: Array<{ v: number; s: number }> = [];
    for (let v = 0; v < overlap.length; v++) {
      if (overlap[v]! > 0) similarity.push({ v, s: overlap[v]! / Math.sqrt(mine.length * this.itemsOf[v]!.length) });
    }
    similarity.sort((a, b) => b.s - a.s || a.v - b.v);
    const scores = new Float64Array(this.itemIds.length);
    for (const { v, s } of similarity.slice(0, this.neighbours)) for (const i of this.itemsOf[v]!) scores[i]! += s;
    for (const i of mine) scores[i] = 0;
    const candidates: number[] = [];
    for (let i = 0; i < scores.length; i++) if (scores[i]! > 0) candidates.push(i);
    candidates.sort((a, b) => scores[b]! - scores[a]! || compareIds(this.itemIds[a]!, this.itemIds[b]!));
    return candidates.slice(0, k).map((i) => this.itemIds[i]!);
  }
}
