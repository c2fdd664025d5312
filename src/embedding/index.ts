import path from 'node:path';
import { ensureDefaultModel } from './default-model.js';
import { GLOVE_MODEL_ID } from './glove-model-builder.js';
import type { Embedder, ProgressListener } from './port.js';

/**
 * The embedding module's public face: the factory the app calls, and the model cache that tests and
 * scripts use. transformers.js (and onnxruntime's native binding) is imported only when a model is
 * loaded, so building or checking the cached model stays light.
 */

export type { Embedder, ProgressEvent, ProgressListener } from './port.js';
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

/** Loads (building first if needed) the configured model; rejects with a ModelLoadError saying what to do. */
export async function createEmbedder(options: CreateEmbedderOptions): Promise<Embedder> {
  const { model, modelsDir, batchSize, threads, onProgress } = options;
  const { loadTransformersEmbedder } = await import('./transformers-embedder.js');
  // The default model's own id (what a store records) names the default model too.
  if (model === DEFAULT_MODEL || model === GLOVE_MODEL_ID) {
    const dir = await ensureDefaultModel(modelsDir, { onProgress });
    return loadTransformersEmbedder({ model: dir, batchSize, threads, onProgress });
  }
  return loadTransformersEmbedder({ model, batchSize, threads, onProgress, cacheDir: path.join(modelsDir, 'hub') });
}
