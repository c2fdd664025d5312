import path from 'node:path';
import { ensureDefaultModel } from './default-model.js';
import { GLOVE_MODEL_ID } from './glove-model-builder.js';
import { MultilingualEmbedder, multilingualModelId } from './multilingual-embedder.js';
import type { Embedder, ProgressListener } from './port.js';
import type { SubwordOptions } from './subword-hashing.js';

type SubwordSettings = Pick<SubwordOptions, 'seed'>;
import { WordVocabulary } from './word-vocabulary.js';

/**
 * The embedding module's public face: the factory the app calls, and the model cache that tests and
 * scripts use. transformers.js (and onnxruntime's native binding) is imported only when a model is
 * loaded, so building or checking the cached model stays light.
 */

export type { EmbeddedText, Embedder, ProgressEvent, ProgressListener } from './port.js';
export { ensureDefaultModel, type EnsureDefaultModelOptions } from './default-model.js';
export { GLOVE_MODEL_ID } from './glove-model-builder.js';
export { ModelLoadError } from './model-load-error.js';

export interface CreateEmbedderOptions {
  /** "default" (the offline GloVe model, built on first use), a Hugging Face hub id, or a local model directory. */
  model: string;
  /** Where the default model is built, and where hub downloads are cached (in `hub/`). */
  modelsDir: string;
  /** Texts per model call. Default 64. */
  batchSize?: number;
  /** onnxruntime intra-op threads. Default 1. */
  threads?: number;
  /** Building, downloading and loading progress. */
  onProgress?: ProgressListener;
}

/** The EMBEDDING_MODEL value that selects the offline model. */
export const DEFAULT_MODEL = 'default';

/**
 * The subword part of the default model (see multilingual-embedder.ts). Its seed and version are in
 * the model id, so that a store never mixes vectors of two settings.
 */
export const DEFAULT_SUBWORDS: SubwordSettings = { seed: 1 };
const MULTILINGUAL_VERSION = 1;

/** The default model's id: the word model's, extended by its subword settings. */
export const DEFAULT_MODEL_ID = multilingualModelId(GLOVE_MODEL_ID, DEFAULT_SUBWORDS.seed, MULTILINGUAL_VERSION);

/**
 * The offline model over a built word-model directory: word vectors plus subwords (`subwords` null: word
 * vectors only, the English-only default of earlier versions, with coverage measured all the same).
 */
export async function loadOfflineEmbedder(
  dir: string,
  options: { subwords: SubwordSettings | null; batchSize?: number; threads?: number; onProgress?: ProgressListener },
): Promise<Embedder> {
  const { loadTransformersEmbedder } = await import('./transformers-embedder.js');
  const words = await loadTransformersEmbedder({ model: dir, batchSize: options.batchSize, threads: options.threads, onProgress: options.onProgress });
  try {
    const vocabulary = await WordVocabulary.load(dir);
    return new MultilingualEmbedder({ words, vocabulary, subwords: options.subwords, version: MULTILINGUAL_VERSION });
  } catch (error) {
    await words.close();
    throw error;
  }
}

/** Loads (building first if needed) the configured model; rejects with a ModelLoadError saying what to do. */
export async function createEmbedder(options: CreateEmbedderOptions): Promise<Embedder> {
  const { model, modelsDir, batchSize, threads, onProgress } = options;
  // The default model's own id (what a store records) names the default model too.
  if (model === DEFAULT_MODEL || model === DEFAULT_MODEL_ID) {
    const dir = await ensureDefaultModel(modelsDir, { onProgress });
    return loadOfflineEmbedder(dir, { subwords: DEFAULT_SUBWORDS, batchSize, threads, onProgress });
  }
  // The English-only default of earlier versions, for stores made with it.
  if (model === GLOVE_MODEL_ID) {
    const dir = await ensureDefaultModel(modelsDir, { onProgress });
    return loadOfflineEmbedder(dir, { subwords: null, batchSize, threads, onProgress });
  }
  const { loadTransformersEmbedder } = await import('./transformers-embedder.js');
  return loadTransformersEmbedder({ model, batchSize, threads, onProgress, cacheDir: path.join(modelsDir, 'hub') });
}
