import { terms } from './text-terms.js';

export interface Keyword {
  term: string;
  weight: number;
}

/**
 * Class-based TF-IDF (as in BERTopic): all texts of a cluster form one document;
 * a term weighs tf(t, c) / |c| * log(1 + A / f(t)) * tf(t, c) / f(t), where |c| is the cluster's term count,
 * A the mean term count per cluster and f(t) the term's count over all clusters; the last factor, the
 * share of the term's texts that are in the cluster, keeps words spread over several clusters out of labels.
 * High weights mark terms frequent in the cluster and rare elsewhere.
 *
 * @param texts one text per row
 * @param assignments cluster index per row (negative rows are ignored)
 * @param k number of clusters
 * @param topN keywords kept per cluster, best first
 */
export function classTfIdf(texts: readonly string[], assignments: Int32Array, k: number, topN = 10): Keyword[][] {
  const perCluster: Map<string, number>[] = Array.from({ length: k }, () => new Map());
  const clusterTotals = new Float64Array(k);
  const overall = new Map<string, number>();
  texts.forEach((text, row) => {
    const c = assignments[row]!;
    if (c < 0 || c >= k) return;
    // Count a term once per text: one verbose member should not define a segment.
    for (const term of new Set(terms(text))) {
      perCluster[c]!.set(term, (perCluster[c]!.get(term) ?? 0) + 1);
      overall.set(term, (overall.get(term) ?? 0) + 1);
      clusterTotals[c]! += 1;
    }
  });
  const meanTotal = clusterTotals.reduce((a, b) => a + b, 0) / Math.max(1, k);
  return perCluster.map((counts, c) => {
    const total = clusterTotals[c]!;
    if (total === 0) return [];
    const scored: Keyword[] = [];
    for (const [term, count] of counts) {
      // Terms seen once in a cluster are noise, unless the cluster is tiny.
      if (count < 2 && counts.size > 20) continue;
      const occurrences = overall.get(term)!;
      // × the share of the term's texts that are in this cluster: a word every cluster of one language
      // uses ("希望", "时间" in everyday Chinese) is rare overall in a mixed corpus, yet names none of them.
      scored.push({ term, weight: (count / total) * Math.log(1 + meanTotal / occurrences) * (count / occurrences) });
    }
    scored.sort((a, b) => b.weight - a.weight || a.term.localeCompare(b.term));
    return scored.slice(0, topN);
  });
}

/**
 * A short human-readable segment name from its best keywords, e.g. "sci-fi · space · aliens".
 * Falls back to the segment's size when its members share no words.
 */
export function labelFromKeywords(keywords: readonly Keyword[], size: number, maxTerms = 3): string {
  if (keywords.length === 0) return `Unlabelled group of ${size}`;
  return keywords
    .slice(0, maxTerms)
    .map((k) => k.term)
    .join(' · ');
}
