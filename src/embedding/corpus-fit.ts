import { createHash } from 'node:crypto';
import { Random } from '../clustering/random.js';
import { lsaTermVectors, type SparseRow } from './lsa.js';

/**
 * The corpus-fitted part of the default model: how many of the service's own documents (users' profile
 * texts and items' texts) use each word that the word vectors do not know. Without it every such word
 * weighs the same, so in everyday Chinese sentences "朋友", "有意思" or "周末", which every theme's
 * writers use, pull all users together as much as the theme words pull them apart. With it a word's
 * subword vector is scaled by its inverse document frequency, normalised so that a word the corpus has
 * never seen (or seen once) keeps weight 1 and a word every document uses weighs 0.
 *
 * Pure functions over plain arrays; the fit is versioned by a hash of its statistics (see fitId), which
 * goes into the model id that the store records with the vectors.
 */

export interface CorpusFit {
  /** Hash of the statistics (12 hex digits): the same corpus always gives the same id. */
  readonly id: string;
  /** Documents counted. */
  readonly documents: number;
  /** Words seen in at least `minDocumentFrequency` documents, sorted (code-unit order). */
  readonly terms: readonly string[];
  /** Document frequency of terms[i]. */
  readonly documentFrequencies: Uint32Array;
  /** LSA term vectors (terms.length × lsaRank, row-major; see lsa.ts); rank 0: none. */
  readonly lsaRank: number;
  readonly lsaVectors: Float32Array;
  /** How much of a word's vector is its LSA direction (the rest its hashed subwords), 0..1. */
  readonly lsaShare: number;
  /** Sum of all words' document frequencies (rare words included): the denominator of p(w) for SIF. */
  readonly incidences: number;
  /** SIF smoothing a: weight a / (a + p(w)) with p(w) = df / incidences; 0: smoothed IDF instead. */
  readonly sifA: number;
  /** When it was made (ISO 8601); not part of the id. */
  readonly createdAt: string;
}

export interface FitOptions {
  /** Words in fewer documents are left out: they weigh 1, as unseen words do. Default 2. */
  readonly minDocumentFrequency?: number;
  /** At most this many terms are kept, the most frequent first (ties by term). Default 50 000. */
  readonly maxTerms?: number;
  /** LSA dimensions (0: IDF weights only). Default 16 (the best of 16, 32 and 64 on bench/multilingual.ts corpora). */
  readonly lsaRank?: number;
  /** At most this many documents (a seeded sample) go into the LSA; frequencies use all. Default 20 000. */
  readonly lsaMaxDocuments?: number;
  /** Seed of the LSA's random sketch and sample. Default 1. */
  readonly seed?: number;
  /** Share of a word's vector taken from its LSA direction. Default 0.7. */
  readonly lsaShare?: number;
  /**
   * SIF smoothing (0: smoothed IDF weights). Default 1e-3, the English word weights' value: of IDF and
   * a = 1e-3, 3e-3, 1e-2 it grouped the bench's and the tests' corpora best (README "Languages").
   */
  readonly sifA?: number;
}

export const DEFAULT_FIT_OPTIONS = { minDocumentFrequency: 2, maxTerms: 50_000, lsaRank: 16, lsaMaxDocuments: 20_000, seed: 1, lsaShare: 0.7, sifA: 1e-3 } as const;

/** Counts, for each word, the documents it occurs in (a word repeated in one document counts once). */
export function countDocumentFrequencies(documents: Iterable<readonly string[]>): { documents: number; frequencies: Map<string, number> } {
  const frequencies = new Map<string, number>();
  let count = 0;
  for (const words of documents) {
    count++;
    for (const word of new Set(words)) frequencies.set(word, (frequencies.get(word) ?? 0) + 1);
  }
  return { documents: count, frequencies };
}

/**
 * Fits a corpus given as each document's words: document frequencies over all documents (rare words
 * dropped, the most frequent `maxTerms` kept), then LSA term vectors over a seeded sample of at most
 * `lsaMaxDocuments` documents, each a TF-IDF row (log-scaled counts times the IDF weight, unit length).
 */
export function fitCorpus(documents: readonly (readonly string[])[], options: FitOptions = {}, createdAt: string = new Date().toISOString()): CorpusFit {
  const { minDocumentFrequency, maxTerms, lsaRank, lsaMaxDocuments, seed, lsaShare, sifA } = { ...DEFAULT_FIT_OPTIONS, ...options };
  const counted = countDocumentFrequencies(documents);
  let incidences = 0;
  for (const df of counted.frequencies.values()) incidences += df;
  let kept = [...counted.frequencies].filter(([, df]) => df >= minDocumentFrequency);
  if (kept.length > maxTerms) {
    kept.sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]));
    kept = kept.slice(0, maxTerms);
  }
  kept.sort((a, b) => compareCodeUnits(a[0], b[0]));
  const terms = kept.map(([term]) => term);
  const documentFrequencies = Uint32Array.from(kept, ([, df]) => df);
  let lsa: { vectors: Float32Array; rank: number } = { vectors: new Float32Array(0), rank: 0 };
  if (lsaRank > 0 && terms.length > 0) {
    const index = new Map(terms.map((t, i) => [t, i] as const));
    const idf = Float64Array.from(documentFrequencies, (df) => corpusWordWeight(df, { documents: counted.documents, incidences, sifA }));
    const rows = sampleIndices(documents.length, lsaMaxDocuments, seed)
      .map((d) => tfIdfRow(documents[d]!, index, idf))
      .filter((row) => row.terms.length > 0);
    lsa = lsaTermVectors(rows, terms.length, { rank: lsaRank, seed });
  }
  const statistics = { documents: counted.documents, terms, documentFrequencies, lsaRank: lsa.rank, lsaVectors: lsa.vectors, lsaShare: lsa.rank > 0 ? lsaShare : 0, incidences, sifA };
  return { id: fitId(statistics), ...statistics, createdAt };
}

/** A document's TF-IDF row over the fit's terms: (1 + log count) · idf, unit length. */
function tfIdfRow(words: readonly string[], index: ReadonlyMap<string, number>, idf: Float64Array): SparseRow {
  const counts = new Map<number, number>();
  for (const word of words) {
    const i = index.get(word);
    if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const terms = Uint32Array.from([...counts.keys()].sort((a, b) => a - b));
  const weights = Float32Array.from(terms, (t) => (1 + Math.log(counts.get(t)!)) * idf[t]!);
  const norm = Math.hypot(...weights);
  if (norm > 0) for (let j = 0; j < weights.length; j++) weights[j] = weights[j]! / norm;
  return { terms, weights };
}

/** `limit` of 0..count-1 (all when count <= limit), a seeded sample, in increasing order. */
function sampleIndices(count: number, limit: number, seed: number): number[] {
  const all = [...Array(count).keys()];
  if (count <= limit) return all;
  const random = new Random(seed);
  for (let i = 0; i < limit; i++) {
    const j = i + random.int(count - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, limit).sort((a, b) => a - b);
}

/** Hash of everything that decides the vectors (document count, terms, frequencies, LSA vectors). */
export function fitId(statistics: Omit<CorpusFit, 'id' | 'createdAt'>): string {
  const hash = createHash('sha256');
  hash.update(`${statistics.documents}\n${statistics.lsaRank}\n${statistics.lsaShare}\n${statistics.incidences}\n${statistics.sifA}\n`);
  statistics.terms.forEach((term, i) => hash.update(`${term}\t${statistics.documentFrequencies[i]}\n`));
  hash.update(new Uint8Array(statistics.lsaVectors.buffer, statistics.lsaVectors.byteOffset, statistics.lsaVectors.byteLength));
  return hash.digest('hex').slice(0, 12);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Weight of a word with document frequency `df` among `documents`: log((1 + N) / (1 + df)) / log(1 + N),
 * the smoothed inverse document frequency scaled so that df = 0 gives 1 and df = N gives ~0.
 * An empty corpus gives 1 for every word.
 */
export function inverseDocumentFrequencyWeight(df: number, documents: number): number {
  if (documents <= 0) return 1;
  return Math.log((1 + documents) / (1 + Math.min(df, documents))) / Math.log(1 + documents);
}

/** A word's weight from its document frequency: SIF when the fit has a smoothing a, else smoothed IDF. */
export function corpusWordWeight(df: number, fit: Pick<CorpusFit, 'documents' | 'incidences' | 'sifA'>): number {
  if (fit.sifA > 0) return fit.incidences > 0 ? fit.sifA / (fit.sifA + df / fit.incidences) : 1;
  return inverseDocumentFrequencyWeight(df, fit.documents);
}

/**
 * The least weight a word gets: a word every document uses still says something when it is all a text
 * has (its vector's direction does not depend on the weight), so it must not vanish into a zero vector.
 */
export const MIN_WORD_WEIGHT = 0.01;

/** Looks up a fit's word weights (words it does not list weigh 1) and LSA term vectors. */
export class CorpusWeights {
  private readonly index = new Map<string, number>();
  private readonly weights: Float64Array;

  constructor(readonly fit: CorpusFit) {
    fit.terms.forEach((term, i) => this.index.set(term, i));
    this.weights = Float64Array.from(fit.documentFrequencies, (df) => Math.max(MIN_WORD_WEIGHT, corpusWordWeight(df, fit)));
  }

  weight(word: string): number {
    const i = this.index.get(word);
    return i === undefined ? 1 : this.weights[i]!;
  }

  /** The word's LSA vector (length fit.lsaRank), or null when the fit has none for it. */
  latent(word: string): Float32Array | null {
    const i = this.index.get(word);
    if (i === undefined || this.fit.lsaRank === 0) return null;
    const rank = this.fit.lsaRank;
    return this.fit.lsaVectors.subarray(i * rank, (i + 1) * rank);
  }
}
