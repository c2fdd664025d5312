import { isCjkWord } from '../text/words.js';

/**
 * The subword half of the default model: a word the word vectors do not know is represented by its
 * character n-grams, as fastText does for rare and unseen words (Bojanowski et al. 2017). Each n-gram
 * is hashed to a fixed pseudo-random ±1 direction (a seeded random projection of the hashed n-gram
 * counts), so the same n-gram always lands on the same direction, in every process and every build,
 * without a table or a corpus: words that share n-grams (露营 / 野营, senderismo / senderista) point
 * the same way, unrelated ones are nearly orthogonal.
 *
 * Alphabetic words use n = 3..5 over "<word>" (fastText's boundary marks); in Chinese and Japanese a
 * character is already a morpheme, so a word there uses its characters and character pairs.
 */

export interface SubwordOptions {
  /** Length of the subword vectors. */
  readonly dimension: number;
  /** Seed of the hash; part of the model id, since another seed gives other directions. */
  readonly seed: number;
}

/** Feature strings of a (normalised) word: the word itself and its character n-grams. */
export function subwordFeatures(word: string): string[] {
  const chars = [...word];
  const features = [`w:${word}`];
  if (isCjkWord(word)) {
    if (chars.length > 1) {
      for (const c of chars) features.push(`c:${c}`);
      for (let i = 0; i + 1 < chars.length; i++) if (chars.length > 2) features.push(`c:${chars[i]}${chars[i + 1]}`);
    }
    return features;
  }
  const marked = ['<', ...chars, '>'];
  for (let n = 3; n <= 5; n++) {
    for (let i = 0; i + n <= marked.length; i++) {
      // The whole marked word is already the first feature.
      if (n === marked.length) continue;
      features.push(`g:${marked.slice(i, i + n).join('')}`);
    }
  }
  return features;
}

/** 32-bit FNV-1a over UTF-16 code units, from a seeded offset basis. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Adds `weight` times the ±1 direction of `feature` into `out` (xorshift32 stream seeded by the hash). */
export function addDirection(out: Float64Array, feature: string, seed: number, weight: number): void {
  let state = hash32(feature, seed) || 0x9e3779b9;
  for (let k = 0; k < out.length; k += 32) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const bits = state;
    const end = Math.min(out.length, k + 32);
    for (let j = k; j < end; j++) out[j] += (bits >>> (j - k)) & 1 ? weight : -weight;
  }
}

/** Unit-length subword vectors of words, cached (a profile repeats words, and a corpus repeats them more). */
export class SubwordVectors {
  private readonly cache = new Map<string, Float64Array>();
  private static readonly CACHE_SIZE = 50_000;

  constructor(readonly options: SubwordOptions) {}

  /** The word's vector: the mean of its features' directions, normalised so every word weighs the same. */
  of(word: string): Float64Array {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const out = new Float64Array(this.options.dimension);
    for (const feature of subwordFeatures(word)) addDirection(out, feature, this.options.seed, 1);
    let norm = 0;
    for (const x of out) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < out.length; k++) out[k] /= norm;
    if (this.cache.size >= SubwordVectors.CACHE_SIZE) this.cache.clear();
    this.cache.set(word, out);
    return out;
  }
}
