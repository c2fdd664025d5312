/**
 * Reference recommenders that run in memory on the training ratings. They validate the
 * protocol (their numbers are known for MovieLens 100k / ua) and frame the service's numbers:
 * anything worth shipping should beat global popularity.
 *
 * Every ranker ranks only items not in the user's training history.
 */
import { Random } from '../clustering/random.js';
import { compareIds } from './movielens.js';
import { easeWeights } from '../recommendation/ease.js';
import { ItemGraph, type ItemGraphOptions } from '../recommendation/item-graph.js';
import { DAY_MS, trendingCounts } from '../recommendation/trending.js';

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

/**
 * Trending popularity (the service's time-aware popularity, trending.ts): per user, each
 * training rating made at or before the user's last training rating counts 2^(−age / half-life).
 * What production has when the user comes back right after their last interaction.
 */
export class TrendingPopularityRanker implements Ranker {
  readonly name: string;
  private readonly engagements: Array<{ itemId: string; atMs: number }>;
  private readonly lastAt = new Map<string, number>();

  constructor(
    ratings: Iterable<Rating & { at: Date }>,
    private readonly history: History,
    private readonly options: { halfLifeDays: number },
  ) {
    this.name = `trending popularity (half-life ${options.halfLifeDays} d)`;
    this.engagements = [];
    for (const r of ratings) {
      const atMs = r.at.getTime();
      this.engagements.push({ itemId: r.itemId, atMs });
      this.lastAt.set(r.userId, Math.max(this.lastAt.get(r.userId) ?? -Infinity, atMs));
    }
  }

  rank(userId: string, k: number): string[] {
    const reference = this.lastAt.get(userId) ?? Infinity;
    const counts = trendingCounts(this.engagements, reference, this.options.halfLifeDays * DAY_MS);
    return topUnseen([...counts], this.history.get(userId) ?? EMPTY, k);
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

/** Rated items per user as weights (binary: every rating counts 1), for the item-based rankers. */
function binaryHistories(ratings: Iterable<Rating>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of ratings) {
    let user = out.get(r.userId);
    if (!user) out.set(r.userId, (user = new Map()));
    user.set(r.itemId, 1);
  }
  return out;
}

function topUnseen(scores: Iterable<[string, number]>, seen: ReadonlySet<string>, k: number): string[] {
  return [...scores]
    .filter(([id, s]) => s > 0 && !seen.has(id))
    .sort((a, b) => b[1] - a[1] || compareIds(a[0], b[0]))
    .slice(0, k)
    .map(([id]) => id);
}

/** Item-based rankers on the sparse top-k item graph (RP3beta or cosine item-kNN), binary data. */
export class ItemGraphRanker implements Ranker {
  readonly name: string;
  private readonly histories: Map<string, Map<string, number>>;
  private readonly graph: ItemGraph;

  constructor(ratings: Iterable<Rating>, options: ItemGraphOptions) {
    this.histories = binaryHistories(ratings);
    this.graph = ItemGraph.build(this.histories.values(), options);
    this.name =
      options.method === 'RP3BETA'
        ? `RP3beta (α ${options.alpha ?? 1}, β ${options.beta ?? 0}, ${options.neighbours} neighbours)`
        : `item-kNN (${options.neighbours} neighbours)`;
  }

  rank(userId: string, k: number): string[] {
    const history = this.histories.get(userId);
    if (!history) return [];
    return topUnseen([...this.graph.score(history)].map(([id, s]) => [id, s.score]), new Set(history.keys()), k);
  }
}

/**
 * EASE (Steck 2019): B = I − P · diag(1 / diag(P)) with P = (XᵀX + λI)⁻¹, X the binary
 * user × item matrix. Dense in the item count (items² memory, items³ time): a reference
 * for small catalogues, not something the service could hold for 100,000 items.
 */
export class EaseRanker implements Ranker {
  readonly name: string;
  private readonly histories: Map<string, Map<string, number>>;
  private readonly itemIds: string[];
  private readonly itemIndex = new Map<string, number>();
  private readonly weights: Float64Array;

  constructor(ratings: Iterable<Rating>, options: { lambda: number }) {
    this.name = `EASE (λ ${options.lambda})`;
    this.histories = binaryHistories(ratings);
    this.itemIds = [...new Set([...this.histories.values()].flatMap((h) => [...h.keys()]))].sort(compareIds);
    this.itemIds.forEach((id, i) => this.itemIndex.set(id, i));
    const m = this.itemIds.length;
    const histories = [...this.histories.values()].map((h) => [...h.keys()].map((id) => this.itemIndex.get(id)!));
    const g = easeWeights(histories, m, options.lambda);
    this.weights = g;
  }

  rank(userId: string, k: number): string[] {
    const history = this.histories.get(userId);
    if (!history) return [];
    const m = this.itemIds.length;
    const scores = new Float64Array(m);
    for (const id of history.keys()) {
      const i = this.itemIndex.get(id)!;
      for (let j = 0; j < m; j++) scores[j]! += this.weights[i * m + j]!;
    }
    return topUnseen(Array.from(scores, (s, j): [string, number] => [this.itemIds[j]!, s]), new Set(history.keys()), k);
  }
}
