import type { RecommendOptions, ScoredRecord, VectorStore } from './port.js';

/**
 * Recommendation by examples for backends without a native recommend API: the query is
 * 2·avg(positive) − avg(negative) (Qdrant's "average_vector" strategy), or avg(positive)
 * without negatives; the examples are left out of the answer.
 */
export async function recommendByAverage(store: VectorStore, collection: string, options: RecommendOptions): Promise<ScoredRecord[]> {
  if (options.limit === 0 || options.positive.length === 0) return [];
  const positive = new Set(options.positive);
  const negative = new Set(options.negative.filter((id) => !positive.has(id)));
  const examples = await store.get(collection, [...positive, ...negative], { withVector: true });
  const mean = (ids: Set<string>): Float64Array | null => {
    const rows = examples.filter((r) => ids.has(r.id) && r.vector);
    if (rows.length === 0) return null;
    const sum = new Float64Array(rows[0]!.vector!.length);
    for (const r of rows) for (let i = 0; i < sum.length; i++) sum[i]! += r.vector![i]! / rows.length;
    return sum;
  };
  const pos = mean(positive);
  if (!pos) return [];
  const neg = mean(negative);
  const query = Float32Array.from(pos, (x, i) => (neg ? 2 * x - neg[i]! : x));
  const exclude = new Set(examples.map((r) => r.id));
  const hits = await store.search(collection, query, {
    limit: options.limit + exclude.size,
    ...(options.filter !== undefined && { filter: options.filter }),
    ...(options.withVector !== undefined && { withVector: options.withVector }),
  });
  return hits.filter((h) => !exclude.has(h.id)).slice(0, options.limit);
}
