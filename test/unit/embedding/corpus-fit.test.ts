import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  corpusWordWeight,
  CorpusWeights,
  countDocumentFrequencies,
  fitCorpus,
  inverseDocumentFrequencyWeight,
  MIN_WORD_WEIGHT,
} from '../../../src/embedding/corpus-fit.js';
import { DEFAULT_SUBWORDS, ensureDefaultModel, loadOfflineEmbedder } from '../../../src/embedding/index.js';
import { lsaTermVectors, orthonormalizeColumns, symmetricEigen, type SparseRow } from '../../../src/embedding/lsa.js';
import type { MultilingualEmbedder } from '../../../src/embedding/multilingual-embedder.js';
import { everydayChinesePersonas, EVERYDAY_THEMES } from '../../../src/evaluation/everyday-chinese-personas.js';

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

describe('document frequencies and word weights', () => {
  it('counts a word once per document', () => {
    const counted = countDocumentFrequencies([['猫', '猫', '狗'], ['猫'], []]);
    expect(counted.documents).toBe(3);
    expect(Object.fromEntries(counted.frequencies)).toEqual({ 猫: 2, 狗: 1 });
  });

  it('IDF weight: 1 for an unseen word, about 0 for a word in every document, decreasing in between', () => {
    expect(inverseDocumentFrequencyWeight(0, 100)).toBe(1);
    expect(inverseDocumentFrequencyWeight(100, 100)).toBe(0);
    expect(inverseDocumentFrequencyWeight(99, 100)).toBeCloseTo(Math.log(101 / 100) / Math.log(101), 12);
    expect(inverseDocumentFrequencyWeight(10, 100)).toBeGreaterThan(inverseDocumentFrequencyWeight(50, 100));
    expect(inverseDocumentFrequencyWeight(3, 0)).toBe(1);
  });

  it('SIF weight a / (a + df / incidences) when the fit has a smoothing a', () => {
    expect(corpusWordWeight(10, { documents: 100, incidences: 1000, sifA: 1e-3 })).toBeCloseTo(1e-3 / (1e-3 + 0.01), 12);
    expect(corpusWordWeight(0, { documents: 100, incidences: 1000, sifA: 1e-3 })).toBe(1);
    expect(corpusWordWeight(10, { documents: 100, incidences: 1000, sifA: 0 })).toBe(inverseDocumentFrequencyWeight(10, 100));
  });

  it('drops words below minDocumentFrequency, keeps the most frequent maxTerms, sorted by term', () => {
    const docs = [['b', 'a', 'c'], ['b', 'a'], ['b', 'd'], ['b', 'a', 'd']];
    const fit = fitCorpus(docs, { minDocumentFrequency: 2, maxTerms: 2, lsaRank: 0, sifA: 0 }, '2026-01-01T00:00:00.000Z');
    expect(fit.terms).toEqual(['a', 'b']);
    expect([...fit.documentFrequencies]).toEqual([3, 4]);
    expect(fit.documents).toBe(4);
    expect(fit.incidences).toBe(3 + 4 + 1 + 2);
    expect(fit.lsaRank).toBe(0);
    const weights = new CorpusWeights(fit);
    expect(weights.weight('c')).toBe(1); // dropped as rare: weighs as an unseen word
    expect(weights.weight('b')).toBe(MIN_WORD_WEIGHT); // in every document
    expect(weights.weight('a')).toBeCloseTo(inverseDocumentFrequencyWeight(3, 4), 12);
    expect(weights.weight('a')).toBeGreaterThan(weights.weight('b'));
    expect(weights.latent('a')).toBeNull();
  });

  it('never weighs a word 0: a word every document uses keeps MIN_WORD_WEIGHT', () => {
    const fit = fitCorpus([['x'], ['x'], ['x']], { lsaRank: 0, sifA: 0 });
    expect(inverseDocumentFrequencyWeight(3, 3)).toBe(0);
    expect(new CorpusWeights(fit).weight('x')).toBe(MIN_WORD_WEIGHT);
  });

  it('names a fit by its statistics: same corpus same id, another corpus or setting another id', () => {
    const docs = [['a', 'b'], ['a', 'c'], ['b', 'c'], ['a', 'b', 'c']];
    const one = fitCorpus(docs, {}, '2026-01-01T00:00:00.000Z');
    expect(fitCorpus(docs, {}, '2027-06-01T00:00:00.000Z').id).toBe(one.id);
    expect(one.id).toMatch(/^[0-9a-f]{12}$/);
    expect(fitCorpus([...docs, ['a']]).id).not.toBe(one.id);
    expect(fitCorpus(docs, { lsaRank: 0 }).id).not.toBe(one.id);
    expect(fitCorpus(docs, { sifA: 0 }).id).not.toBe(one.id);
  });
});

describe('LSA term vectors (randomised truncated SVD)', () => {
  it('finds the eigenvalues of a symmetric matrix (Jacobi), largest first', () => {
    const m = Float64Array.from([4, 1, 0, 1, 3, 0, 0, 0, 1]);
    const { values, vectors, order } = symmetricEigen(m, 3);
    const sorted = order.map((i) => values[i]!);
    expect(sorted[0]).toBeCloseTo((7 + Math.sqrt(5)) / 2, 10);
    expect(sorted[1]).toBeCloseTo((7 - Math.sqrt(5)) / 2, 10);
    expect(sorted[2]).toBeCloseTo(1, 10);
    // M v = λ v for the top one
    const top = order[0]!;
    const v = [0, 1, 2].map((r) => vectors[r * 3 + top]!);
    for (let r = 0; r < 3; r++) expect(m[r * 3]! * v[0]! + m[r * 3 + 1]! * v[1]! + m[r * 3 + 2]! * v[2]!).toBeCloseTo(sorted[0]! * v[r]!, 10);
  });

  it('orthonormalises columns, zeroing a dependent one', () => {
    const m = Float64Array.from([1, 2, 1, 0, 1, 0, 0, 2, 0]); // 3 rows × 3 columns; column 2 = column 0
    const c = Float64Array.from([1, 1, 1, 1, 0, 1, 0, 0, 0]);
    orthonormalizeColumns(m, 3, 3);
    orthonormalizeColumns(c, 3, 3);
    const col = (a: Float64Array, j: number) => [0, 1, 2].map((r) => a[r * 3 + j]!);
    expect(cosine(col(m, 0), col(m, 1))).toBeCloseTo(0, 10);
    expect(Math.hypot(...col(m, 0))).toBeCloseTo(1, 10);
    expect(col(c, 2)).toEqual([0, 0, 0]);
  });

  it('gives words the same writers use one direction, and words of other writers another', () => {
    // Two planted themes of 4 words each; every document uses 2 words of one theme.
    const rows: SparseRow[] = [];
    for (let d = 0; d < 60; d++) {
      const theme = d % 2;
      const a = theme * 4 + (d % 4);
      const b = theme * 4 + ((d + 1 + ((d >> 2) % 3)) % 4);
      const terms = Uint32Array.from([...new Set([a, b])].sort((x, y) => x - y));
      rows.push({ terms, weights: Float32Array.from(terms, () => 1 / Math.sqrt(terms.length)) });
    }
    const { vectors, rank } = lsaTermVectors(rows, 8, { rank: 2, seed: 1 });
    expect(rank).toBe(2);
    const vector = (t: number) => vectors.subarray(t * rank, (t + 1) * rank);
    expect(cosine(vector(0), vector(3))).toBeGreaterThan(0.9);
    expect(cosine(vector(4), vector(7))).toBeGreaterThan(0.9);
    expect(Math.abs(cosine(vector(0), vector(4)))).toBeLessThan(0.1);
    // Reproducible from the seed.
    expect(lsaTermVectors(rows, 8, { rank: 2, seed: 1 }).vectors).toEqual(vectors);
  });

  it('caps the rank by the rows and terms, and gives unused terms zero vectors', () => {
    const rows: SparseRow[] = [{ terms: Uint32Array.from([0]), weights: Float32Array.from([1]) }];
    const { vectors, rank } = lsaTermVectors(rows, 3, { rank: 8, seed: 1 });
    expect(rank).toBe(1);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(1, 6);
    expect([Math.abs(vectors[1]!), Math.abs(vectors[2]!)]).toEqual([0, 0]);
  });
});

describe('the default model with a corpus fit', () => {
  let base: MultilingualEmbedder;
  beforeAll(async () => {
    base = (await loadOfflineEmbedder(await ensureDefaultModel(path.resolve('models')), { subwords: DEFAULT_SUBWORDS })) as MultilingualEmbedder;
  });
  afterAll(async () => {
    await base?.close();
  });

  // Everyday clauses around six themes (the integration tests' generator, another seed).
  const personas = everydayChinesePersonas(EVERYDAY_THEMES, 20, 5);
  const corpus = personas.map((u) => u.text);

  /** Mean cosine of same-theme pairs minus that of other-theme pairs. */
  const separation = (vectors: Float32Array[]) => {
    let same = 0;
    let sameCount = 0;
    let other = 0;
    let otherCount = 0;
    for (let i = 0; i < vectors.length; i++) {
      for (let j = i + 1; j < vectors.length; j++) {
        const c = cosine(vectors[i]!, vectors[j]!);
        if (personas[i]!.theme === personas[j]!.theme) (same += c), sameCount++;
        else (other += c), otherCount++;
      }
    }
    return same / sameCount - other / otherCount;
  };

  it('names the fit in the model id and keeps the dimension; the base model is untouched', () => {
    const fit = base.fitCorpus(corpus);
    const fitted = base.withFit(fit);
    expect(fitted.modelId).toBe(`${base.modelId}+fit-${fit.id}`);
    expect(fitted.baseModelId).toBe(base.modelId);
    expect(fitted.dimension).toBe(base.dimension);
    expect(fitted.fit).toBe(fit);
    expect(base.fit).toBeNull();
    expect(fitted.withFit(null).modelId).toBe(base.modelId);
  });

  it('leaves English texts whose words it knows exactly where they were, and coverage as it was', async () => {
    const fitted = base.withFit(base.fitCorpus([...corpus, 'hiking and camping by the lake', 'stocks and funds']));
    const texts = ['I love hiking in the mountains and camping by the lake', corpus[0]!];
    const [a, b] = [await base.embedWithCoverage(texts), await fitted.embedWithCoverage(texts)];
    expect(cosine(a[0]!.vector, b[0]!.vector)).toBeCloseTo(1, 6);
    expect(b.map((e) => e.coverage)).toEqual(a.map((e) => e.coverage));
  });

  it('separates themes written in everyday sentences far better than without the fit', async () => {
    const fitted = base.withFit(base.fitCorpus(corpus));
    const before = separation(await base.embed(corpus));
    const after = separation(await fitted.embed(corpus));
    expect(after).toBeGreaterThan(0.2);
    expect(after).toBeGreaterThan(3 * before);
  });

  it('still represents a text made only of words every document uses', async () => {
    const fitted = base.withFit(base.fitCorpus(['有意思', '有意思', '有意思']));
    const [only] = await fitted.embedWithCoverage(['有意思']);
    expect(only!.coverage).toBe(1);
    expect(Math.hypot(...only!.vector)).toBeCloseTo(1, 5);
  });
});
