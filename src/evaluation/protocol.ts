/**
 * The offline protocol on MovieLens 100k's ua split: train on ua.base; for each user with at
 * least one held-out rating ≥ 4 in ua.test (934 users), rank every item not in the user's
 * ua.base history, keep the top k (10) and score it against the user's liked held-out items.
 */
import { performance } from 'node:perf_hooks';
import { MetricAccumulator, type MetricSummary } from './metrics.js';
import { Random } from '../clustering/random.js';
import { historyByUser, relevantByUser, type MovieLensData, type MovieLensRating } from './movielens.js';

export interface EvaluationSet {
  /** Users evaluated, in numeric id order. */
  users: string[];
  /** Held-out items each evaluated user liked. */
  relevant: Map<string, Set<string>>;
  /** Items each user rated in training. */
  history: Map<string, Set<string>>;
  /** Every item id. */
  catalogue: string[];
  /** Eligible users before --users cut the list. */
  eligibleUsers: number;
  minRating: number;
}

export function buildEvaluationSet(data: MovieLensData, options: { minRating?: number; maxUsers?: number } = {}): EvaluationSet {
  return buildSplitEvaluationSet(data.base, data.test, data.items.map((i) => i.id), options);
}

/**
 * The evaluation set of any split: users with a held-out rating ≥ minRating (among `scored`
 * when given), their training history and liked held-out items. `maxUsers` keeps a seeded
 * random sample (validation runs) instead of the first users when `sampleSeed` is given.
 */
export function buildSplitEvaluationSet(
  train: readonly MovieLensRating[],
  test: readonly MovieLensRating[],
  catalogue: string[],
  options: { minRating?: number; maxUsers?: number; scored?: ReadonlySet<string> | null; sampleSeed?: number } = {},
): EvaluationSet {
  const minRating = options.minRating ?? 4;
  const allRelevant = relevantByUser(test, minRating);
  const scored = options.scored;
  let eligible = [...allRelevant.keys()].filter((u) => !scored || scored.has(u));
  const eligibleUsers = eligible.length;
  if (options.maxUsers !== undefined && options.sampleSeed !== undefined && eligible.length > options.maxUsers) {
    const random = new Random(options.sampleSeed);
    const picked = new Set<string>();
    while (picked.size < options.maxUsers) picked.add(eligible[random.int(eligible.length)]!);
    eligible = eligible.filter((u) => picked.has(u));
  }
  const users = eligible.slice(0, options.maxUsers ?? Infinity);
  return {
    users,
    relevant: new Map(users.map((u) => [u, allRelevant.get(u)!])),
    history: historyByUser(train),
    catalogue,
    eligibleUsers,
    minRating,
  };
}

export interface EvaluationRow extends MetricSummary {
  name: string;
  kind: 'baseline' | 'service';
  /** Items returned that were in the user's training history (dropped before scoring; should be 0). */
  seenReturned: number;
  /** Users who got fewer than k items. */
  shortLists: number;
  /** Users whose call failed (scored as an empty list). */
  failures: number;
  firstError: string | null;
  /** NDCG@k of every evaluated user, in the set's user order (for paired bootstrap intervals). */
  perUserNdcg: number[];
}

export type RecommendFn = (userId: string, k: number) => string[] | Promise<string[]>;

/**
 * Runs one recommender over every user of the set, one user at a time (so ms per user is the
 * latency of one call), and averages the metrics.
 */
export async function evaluateRecommender(
  name: string,
  kind: EvaluationRow['kind'],
  recommend: RecommendFn,
  set: EvaluationSet,
  k: number,
  onProgress?: (done: number, total: number) => void,
): Promise<EvaluationRow> {
  const acc = new MetricAccumulator(k, set.catalogue.length);
  let seenReturned = 0;
  let shortLists = 0;
  let failures = 0;
  let firstError: string | null = null;
  const perUserNdcg: number[] = [];
  for (const [index, userId] of set.users.entries()) {
    const history = set.history.get(userId);
    const started = performance.now();
    let list: string[];
    try {
      list = await recommend(userId, k);
    } catch (error) {
      failures++;
      firstError ??= `user ${userId}: ${error instanceof Error ? error.message : String(error)}`;
      list = [];
    }
    const ms = performance.now() - started;
    const unseen = history ? list.filter((id) => !history.has(id)) : list;
    seenReturned += list.length - unseen.length;
    if (unseen.length < k) shortLists++;
    perUserNdcg.push(acc.add(unseen.slice(0, k), set.relevant.get(userId)!, ms).ndcg);
    onProgress?.(index + 1, set.users.length);
  }
  return { name, kind, ...acc.summary(), seenReturned, shortLists, failures, firstError, perUserNdcg };
}
