/**
 * The audience evaluation: for items with held-out ratings ≥ 4, rank every user who did not rate
 * the item in training and measure recall@k (k = 100) of those held-out raters. Items are a
 * seeded sample, so the run stays short; each item weighs the same (macro average).
 */
import { performance } from 'node:perf_hooks';
import { recallAt } from '../audience/audience-scoring.js';
import { Random } from '../clustering/random.js';
import { compareIds, type MovieLensRating } from './movielens.js';

export interface AudienceEvaluationSet {
  /** Items evaluated (sampled), in numeric id order. */
  items: string[];
  /** Per item, the users who rated it ≥ minRating in the held-out part (and not in training). */
  relevant: Map<string, Set<string>>;
  /** Per item, the users who rated it in training (no candidates for it). */
  raters: Map<string, Set<string>>;
  /** Training ratings per user. */
  activity: Map<string, number>;
  /** Every user id. */
  users: string[];
  /** Items with at least one held-out positive rater, before sampling. */
  eligibleItems: number;
  minRating: number;
  k: number;
}

export function buildAudienceSet(
  train: readonly MovieLensRating[],
  test: readonly MovieLensRating[],
  users: readonly string[],
  options: { maxItems: number; seed: number; k?: number; minRating?: number },
): AudienceEvaluationSet {
  const minRating = options.minRating ?? 4;
  const raters = new Map<string, Set<string>>();
  const activity = new Map<string, number>();
  for (const r of train) {
    let set = raters.get(r.itemId);
    if (!set) raters.set(r.itemId, (set = new Set()));
    set.add(r.userId);
    activity.set(r.userId, (activity.get(r.userId) ?? 0) + 1);
  }
  const relevant = new Map<string, Set<string>>();
  for (const r of test) {
    if (r.value < minRating || raters.get(r.itemId)?.has(r.userId)) continue;
    let set = relevant.get(r.itemId);
    if (!set) relevant.set(r.itemId, (set = new Set()));
    set.add(r.userId);
  }
  const eligible = [...relevant.keys()].sort(compareIds);
  let items = eligible;
  if (eligible.length > options.maxItems) {
    const random = new Random(options.seed);
    const picked = new Set<string>();
    while (picked.size < options.maxItems) picked.add(eligible[random.int(eligible.length)]!);
    items = eligible.filter((id) => picked.has(id));
  }
  return {
    items,
    relevant: new Map(items.map((id) => [id, relevant.get(id)!])),
    raters,
    activity,
    users: [...users],
    eligibleItems: eligible.length,
    minRating,
    k: options.k ?? 100,
  };
}

export interface AudienceRow {
  name: string;
  /** Mean recall@k over items. */
  recall: number;
  msPerItem: number;
  /** Items whose call failed (scored 0). */
  failures: number;
  firstError: string | null;
  /** Users returned who rated the item in training (dropped before scoring; should be 0). */
  ratersReturned: number;
  /** Recall@k of every item, in the set's item order (for paired bootstrap intervals). */
  perItemRecall: number[];
}

export type AudienceFn = (itemId: string, k: number) => string[] | Promise<string[]>;

export async function evaluateAudience(name: string, rank: AudienceFn, set: AudienceEvaluationSet, onProgress?: (done: number, total: number) => void): Promise<AudienceRow> {
  const perItemRecall: number[] = [];
  let failures = 0;
  let firstError: string | null = null;
  let ratersReturned = 0;
  let ms = 0;
  for (const [i, itemId] of set.items.entries()) {
    const started = performance.now();
    let ranking: string[];
    try {
      ranking = await rank(itemId, set.k);
    } catch (error) {
      failures++;
      firstError ??= `item ${itemId}: ${error instanceof Error ? error.message : String(error)}`;
      ranking = [];
    }
    ms += performance.now() - started;
    const raters = set.raters.get(itemId);
    const kept = raters ? ranking.filter((u) => !raters.has(u)) : ranking;
    ratersReturned += ranking.length - kept.length;
    perItemRecall.push(recallAt(kept, set.relevant.get(itemId)!, set.k));
    onProgress?.(i + 1, set.items.length);
  }
  const recall = perItemRecall.reduce((s, x) => s + x, 0) / Math.max(1, perItemRecall.length);
  return { name, recall, msPerItem: ms / Math.max(1, set.items.length), failures, firstError, ratersReturned, perItemRecall };
}

/** The baseline: the most active users (training ratings), those who rated the item left out; ties by id. */
export function activityRanker(set: AudienceEvaluationSet): AudienceFn {
  const byActivity = [...set.users].sort((a, b) => (set.activity.get(b) ?? 0) - (set.activity.get(a) ?? 0) || compareIds(a, b));
  return (itemId, k) => {
    const raters = set.raters.get(itemId);
    const out: string[] = [];
    for (const u of byActivity) {
      if (raters?.has(u)) continue;
      out.push(u);
      if (out.length === k) break;
    }
    return out;
  };
}

export function formatAudienceTable(rows: readonly AudienceRow[], k: number): string {
  const header = `| audience ranking | recall@${k} | ms/item |\n|---|---:|---:|\n`;
  return header + rows.map((r) => `| ${r.name} | ${r.recall.toFixed(4)} | ${r.msPerItem.toFixed(1)} |`).join('\n') + '\n';
}
