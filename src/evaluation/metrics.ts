/**
 * Ranking metrics for top-N recommendation lists with binary relevance.
 *
 * `ranked` is a list of item ids, best first; `relevant` is the set of held-out items the user
 * liked. Every metric looks at the first `k` entries only. An item listed twice counts once
 * (its later occurrences are non-relevant), so no metric can exceed 1 on a faulty list.
 * A user with no relevant items gets 0 everywhere: the protocol leaves such users out.
 */

/** For each of the first k positions, whether it holds a relevant item not already counted above it. */
function hitsAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): boolean[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const seen = new Set<string>();
  const hits: boolean[] = [];
  for (const id of ranked.slice(0, k)) {
    hits.push(relevant.has(id) && !seen.has(id));
    seen.add(id);
  }
  return hits;
}

function countHits(hits: readonly boolean[]): number {
  let n = 0;
  for (const h of hits) if (h) n++;
  return n;
}

/** Relevant items in the top k, divided by k (a list shorter than k is not excused). */
export function precisionAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return countHits(hitsAtK(ranked, relevant, k)) / k;
}

/** Relevant items in the top k, divided by the number of relevant items. */
export function recallAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const hits = countHits(hitsAtK(ranked, relevant, k));
  return relevant.size === 0 ? 0 : hits / relevant.size;
}

/** Discount of the 0-based position i: 1 / log2(i + 2), so the first position weighs 1. */
function discount(i: number): number {
  return 1 / Math.log2(i + 2);
}

/**
 * Normalised discounted cumulative gain: DCG = Σ rel_i / log2(i + 2) over the top k (binary gains),
 * divided by the ideal DCG, i.e. the DCG of min(k, |relevant|) relevant items at the top.
 */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const hits = hitsAtK(ranked, relevant, k);
  const ideal = Math.min(k, relevant.size);
  if (ideal === 0) return 0;
  let dcg = 0;
  hits.forEach((hit, i) => {
    if (hit) dcg += discount(i);
  });
  let idcg = 0;
  for (let i = 0; i < ideal; i++) idcg += discount(i);
  return dcg / idcg;
}

/**
 * Average precision truncated at k: the sum of precision@(i+1) over the positions i < k holding a
 * relevant item, divided by min(k, |relevant|). Its mean over users is MAP@k.
 */
export function averagePrecisionAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const hits = hitsAtK(ranked, relevant, k);
  const denominator = Math.min(k, relevant.size);
  if (denominator === 0) return 0;
  let found = 0;
  let sum = 0;
  hits.forEach((hit, i) => {
    if (!hit) return;
    found++;
    sum += found / (i + 1);
  });
  return sum / denominator;
}

/** Distinct items recommended (in any user's top k) divided by the catalogue size. */
export function catalogueCoverage(lists: Iterable<readonly string[]>, catalogueSize: number, k = Infinity): number {
  if (catalogueSize <= 0) return 0;
  const distinct = new Set<string>();
  for (const list of lists) for (const id of list.slice(0, k)) distinct.add(id);
  return distinct.size / catalogueSize;
}

export interface UserMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  averagePrecision: number;
}

export function userMetrics(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): UserMetrics {
  return {
    precision: precisionAtK(ranked, relevant, k),
    recall: recallAtK(ranked, relevant, k),
    ndcg: ndcgAtK(ranked, relevant, k),
    averagePrecision: averagePrecisionAtK(ranked, relevant, k),
  };
}

export interface MetricSummary {
  k: number;
  users: number;
  precision: number;
  recall: number;
  ndcg: number;
  /** Mean of the users' average precision@k. */
  map: number;
  coverage: number;
  /** Distinct items recommended. */
  distinctItems: number;
  /** Mean wall time per user, in ms (0 when not measured). */
  msPerUser: number;
}

/** Collects per-user results and averages them (macro average: every user weighs the same). */
export class MetricAccumulator {
  private users = 0;
  private sums = { precision: 0, recall: 0, ndcg: 0, averagePrecision: 0 };
  private readonly items = new Set<string>();
  private totalMs = 0;

  constructor(
    readonly k: number,
    private readonly catalogueSize: number,
  ) {}

  add(ranked: readonly string[], relevant: ReadonlySet<string>, ms = 0): UserMetrics {
    const m = userMetrics(ranked, relevant, this.k);
    this.users++;
    this.sums.precision += m.precision;
    this.sums.recall += m.recall;
    this.sums.ndcg += m.ndcg;
    this.sums.averagePrecision += m.averagePrecision;
    for (const id of ranked.slice(0, this.k)) this.items.add(id);
    this.totalMs += ms;
    return m;
  }

  summary(): MetricSummary {
    const n = this.users;
    const mean = (s: number) => (n === 0 ? 0 : s / n);
    return {
      k: this.k,
      users: n,
      precision: mean(this.sums.precision),
      recall: mean(this.sums.recall),
      ndcg: mean(this.sums.ndcg),
      map: mean(this.sums.averagePrecision),
      coverage: this.catalogueSize > 0 ? this.items.size / this.catalogueSize : 0,
      distinctItems: this.items.size,
      msPerUser: mean(this.totalMs),
    };
  }
}
