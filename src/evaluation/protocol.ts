/**
 * The offline protocol on MovieLens 100k's ua split: train on ua.base; for each user with at
 * least one held-out rating ≥ 4 in ua.test (934 users), rank every item not in the user's
 * ua.base history, keep the top k (10) and score it against the user's liked held-out items.
 */
import { performance } from 'node:perf_hooks';
import { MetricAccumulator, type MetricSummary } from './metrics.js';
import { historyByUser, relevantByUser, type MovieLensData } from './movielens.js';

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
  const minRating = options.minRating ?? 4;
  const allRelevant = relevantByUser(data.test, minRating);
  const users = [...allRelevant.keys()].slice(0, options.maxUsers ?? Infinity);
  return {
    users,
    relevant: new Map(users.map((u) => [u, allRelevant.get(u)!])),
    history: historyByUser(data.base),
    catalogue: data.items.map((i) => i.id),
    eligibleUsers: allRelevant.size,
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
    acc.add(unseen.slice(0, k), set.relevant.get(userId)!, ms);
    onProgress?.(index + 1, set.users.length);
  }
  return { name, kind, ...acc.summary(), seenReturned, shortLists, failures, firstError };
}
