import { isStopWord } from '../text/stop-words.js';
import { textUnits } from '../text/words.js';
import type { EmbeddedText, Embedder } from './port.js';
import { SubwordVectors, type SubwordOptions } from './subword-hashing.js';
import type { WordVocabulary } from './word-vocabulary.js';

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
}

/** The id of word model `wordModelId` with subwords: another seed or version gives other vectors, so another id. */
export function multilingualModelId(wordModelId: string, seed: number, version: number): string {
  return `${wordModelId}+subwords-s${seed}-v${version}`;
}

export class MultilingualEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  private readonly subwords: SubwordVectors | null;

  constructor(private readonly options: MultilingualOptions) {
    const { words, subwords, version } = options;
    this.subwords = subwords ? new SubwordVectors({ dimension: words.dimension, seed: subwords.seed }) : null;
    this.dimension = words.dimension;
    this.modelId = subwords ? multilingualModelId(words.modelId, subwords.seed, version) : words.modelId;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.embedWithCoverage(texts)).map((e) => e.vector);
  }

  async embedWithCoverage(texts: string[]): Promise<EmbeddedText[]> {
    const wordVectors = await this.options.words.embed(texts);
    return texts.map((text, i) => this.combine(text, wordVectors[i]!));
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
    const sub = new Float64Array(dimension);
    if (this.subwords) {
      for (const word of unknown) {
        const v = this.subwords.of(word);
        for (let k = 0; k < dimension; k++) sub[k] += v[k];
      }
    }
    const subNorm = Math.hypot(...sub);
    const subwordWords = subNorm > 0 ? unknown.length : 0;
    const carrying = known + subwordWords;
    const vector = new Float32Array(dimension);
    if (carrying === 0) return { vector, coverage: 0 };
    const units = words.length + symbols;
    const coverage = (carrying + functionWords) / units;
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
