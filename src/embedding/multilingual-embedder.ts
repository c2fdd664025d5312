import { isStopWord } from '../text/stop-words.js';
import { textUnits } from '../text/words.js';
import type { EmbeddedText, Embedder } from './port.js';
import { addDirection, SubwordVectors, type SubwordOptions } from './subword-hashing.js';
import type { WordVocabulary } from './word-vocabulary.js';
import { CorpusWeights, fitCorpus, type CorpusFit, type FitOptions } from './corpus-fit.js';

/**
 * The default model: word vectors where the text has words they know, subword vectors (hashed
 * character n-grams, see subword-hashing.ts) for every other word, in one space.
 *
 * The vector is p·w + q·s normalised, where w is the word model's unit sentence vector, s the unit sum
 * of the unknown words' subword vectors (same dimension), and p, q the shares of the text's words each
 * represents. An English text whose words are all known keeps exactly the word model's vector, a
 * Chinese text is all subwords, and a text that mixes both sits between, in proportion. The subword
 * directions share the word vectors' dimensions rather than adding their own: measured on planted
 * personas (bench/multilingual.ts), concatenating them grouped no better and would double memory and
 * clustering time.
 *
 * Coverage is the share of the text's units (words, and emoji or other symbols) that either part
 * represents: 0 means the text has nothing the model can represent, and its vector is zero.
 */

export interface MultilingualOptions {
  /** The word model's id and dimension (this model's id extends it). */
  readonly words: Embedder;
  readonly vocabulary: WordVocabulary;
  /** null: word vectors only (the old default), coverage still measured. */
  readonly subwords: Pick<SubwordOptions, 'seed'> | null;
  /** Version of this combination; bump when its output changes. */
  readonly version: number;
  /**
   * Document frequencies of the service's own corpus (corpus-fit.ts): each subword word is weighted by
   * its inverse document frequency. Absent: every word weighs 1 (before the first fit).
   */
  readonly fit?: CorpusFit;
}

/** The id of a fitted model: the base model's id and the fit's, so a store never mixes two fits' vectors. */
export function fittedModelId(baseModelId: string, fitId: string): string {
  return `${baseModelId}+fit-${fitId}`;
}

/** The id of word model `wordModelId` with subwords: another seed or version gives other vectors, so another id. */
export function multilingualModelId(wordModelId: string, seed: number, version: number): string {
  return `${wordModelId}+subwords-s${seed}-v${version}`;
}

export class MultilingualEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  /** The model id without the fit (what EMBEDDING_MODEL's default resolves to). */
  readonly baseModelId: string;
  private readonly subwords: SubwordVectors | null;
  private readonly weights: CorpusWeights | null;
  /** Fixed directions of the LSA dimensions in this space (seeded), and fitted word vectors, cached. */
  private latentDirections: Float64Array[] | null = null;
  private readonly fittedWords = new Map<string, Float64Array>();

  constructor(private readonly options: MultilingualOptions, subwordCache?: SubwordVectors | null) {
    const { words, subwords, version, fit } = options;
    this.subwords = subwordCache !== undefined ? subwordCache : subwords ? new SubwordVectors({ dimension: words.dimension, seed: subwords.seed }) : null;
    this.dimension = words.dimension;
    this.baseModelId = subwords ? multilingualModelId(words.modelId, subwords.seed, version) : words.modelId;
    this.weights = fit && subwords ? new CorpusWeights(fit) : null;
    this.modelId = this.weights ? fittedModelId(this.baseModelId, this.weights.fit.id) : this.baseModelId;
  }

  /** Whether a corpus fit can change this model's vectors (it has subwords). */
  get fittable(): boolean {
    return this.subwords !== null;
  }

  /** The fit in use, if any. */
  get fit(): CorpusFit | null {
    return this.weights?.fit ?? null;
  }

  /**
   * The same model with another fit (null: none). Shares the word model and subword cache: close only
   * one of them (closing closes the shared word model).
   */
  withFit(fit: CorpusFit | null): MultilingualEmbedder {
    const { fit: _previous, ...rest } = this.options;
    return new MultilingualEmbedder(fit ? { ...rest, fit } : rest, this.subwords);
  }

  /**
   * A fit of this model to a corpus of texts (corpus-fit.ts), over the words its subword part represents.
   * (Projecting out the corpus's common direction of subword parts as well, SIF's second half, grouped the
   * bench's corpora worse: left out.)
   */
  fitCorpus(texts: readonly string[], options: FitOptions = {}): CorpusFit {
    return fitCorpus(texts.map((t) => this.subwordWords(t)), options);
  }

  /** The words of a text that its subword part represents (what a corpus fit counts). */
  subwordWords(text: string): string[] {
    return this.fitWords(text).unknown;
  }

  /** The words a corpus fit counts (those the word vectors do not know), and how many content words the text has. */
  fitWords(text: string): { unknown: string[]; words: number } {
    const words = textUnits(text).words.filter((word) => !isStopWord(word));
    return { unknown: words.filter((word) => !this.options.vocabulary.knows(word)), words: words.length };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.embedWithCoverage(texts)).map((e) => e.vector);
  }

  async embedWithCoverage(texts: string[]): Promise<EmbeddedText[]> {
    const wordVectors = await this.options.words.embed(texts);
    return texts.map((text, i) => this.combine(text, wordVectors[i]!));
  }

  /**
   * An unknown word's unit vector: its hashed subwords, mixed (with a fit that has LSA) with its LSA
   * vector carried into this space by fixed seeded directions, one per LSA dimension. Words of one
   * theme then share a direction as the word vectors' English words do.
   */
  private wordVector(word: string): Float64Array {
    const hashed = this.subwords!.of(word);
    const latent = this.weights?.latent(word);
    if (!latent) return hashed;
    const cached = this.fittedWords.get(word);
    if (cached) return cached;
    const dimension = this.dimension;
    if (!this.latentDirections) {
      this.latentDirections = [];
      for (let j = 0; j < latent.length; j++) {
        const direction = new Float64Array(dimension);
        addDirection(direction, `lsa:${j}`, this.options.subwords!.seed, 1 / Math.sqrt(dimension));
        this.latentDirections.push(direction);
      }
    }
    const carried = new Float64Array(dimension);
    latent.forEach((x, j) => {
      const direction = this.latentDirections![j]!;
      for (let k = 0; k < dimension; k++) carried[k] += x * direction[k]!;
    });
    const carriedNorm = Math.hypot(...carried);
    if (!(carriedNorm > 0)) return hashed;
    const share = this.weights!.fit.lsaShare;
    const out = new Float64Array(dimension);
    for (let k = 0; k < dimension; k++) out[k] = (1 - share) * hashed[k]! + (share * carried[k]!) / carriedNorm;
    const norm = Math.hypot(...out);
    for (let k = 0; k < dimension; k++) out[k] /= norm;
    if (this.fittedWords.size >= 50_000) this.fittedWords.clear();
    this.fittedWords.set(word, out);
    return out;
  }

  /** The weighted sum of unknown words' vectors, and the sum of their weights. */
  private subwordSum(unknown: readonly string[]): { sum: Float64Array; weight: number } {
    const sum = new Float64Array(this.dimension);
    // With a fit, a word every document uses adds little, and counts little towards the subword share.
    let weight = 0;
    if (this.subwords) {
      for (const word of unknown) {
        const v = this.wordVector(word);
        const w = this.weights ? this.weights.weight(word) : 1;
        weight += w;
        for (let k = 0; k < this.dimension; k++) sum[k] += w * v[k]!;
      }
    }
    return { sum, weight };
  }

  private combine(text: string, wordVector: Float32Array): EmbeddedText {
    const { words, symbols } = textUnits(text);
    const dimension = this.dimension;
    let known = 0;
    // Stop words the word model lacks ("i", "a", "的") say nothing about the text: they add no vector
    // (so an English text keeps exactly its word-model vector) but count as understood.
    let functionWords = 0;
    const unknown: string[] = [];
    for (const word of words) {
      if (this.options.vocabulary.knows(word)) known++;
      else if (isStopWord(word)) functionWords++;
      else unknown.push(word);
    }
    const wordNorm = Math.hypot(...wordVector);
    // A known word can still add nothing (a punctuation-only piece): trust the vector over the count.
    if (wordNorm === 0) known = 0;
    const { sum: sub, weight: subwordWeight } = this.subwordSum(unknown);
    const subNorm = Math.hypot(...sub);
    const subwordWords = subNorm > 0 ? subwordWeight : 0;
    const carrying = known + subwordWords;
    const vector = new Float32Array(dimension);
    if (carrying === 0) return { vector, coverage: 0 };
    const units = words.length + symbols;
    // Coverage counts words, whatever their weight: a fit changes how much a word says, not whether it is represented.
    const coverage = (known + (subNorm > 0 ? unknown.length : 0) + functionWords) / units;
    const p = known / carrying;
    const q = subwordWords / carrying;
    for (let k = 0; k < dimension; k++) {
      vector[k] = (wordNorm > 0 ? (p * wordVector[k]) / wordNorm : 0) + (q > 0 ? (q * sub[k]) / subNorm : 0);
    }
    const norm = Math.hypot(...vector);
    // p·w and q·s can cancel only in theory (random directions); a zero sum is reported as nothing represented.
    if (!(norm > 0)) return { vector: new Float32Array(dimension), coverage: 0 };
    for (let k = 0; k < dimension; k++) vector[k] /= norm;
    return { vector, coverage };
  }

  close(): Promise<void> {
    return this.options.words.close();
  }
}
