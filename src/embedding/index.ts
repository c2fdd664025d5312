import path from 'node:path';
import { ensureDefaultModel } from './default-model.js';
import type { Embedder, ProgressListener } from './port.js';
import { loadTransformersEmbedder } from './transformers-embedder.js';

/** The embedding module's public face: the factory the app calls, and the model cache for tests and scripts. */

export type { Embedder, ProgressEvent, ProgressListener } from './port.js';
export { ensureDefaultModel, type EnsureDefaultModelOptions } from './default-model.js';
export { GLOVE_MODEL_ID } from './glove-model-builder.js';
export { ModelLoadError } from './transformers-embedder.js';

export interface CreateEmbedderOptions {
  /** "default" (the offline GloVe model, built on first use), a Hugging Face hub id, or a local model directory. */
  model: string;
  /** Where the default model is built and hub downloads are cached. */
  modelsDir: string;
  /** Texts per model call. Default 64. */
  batchSize?: number;
  /** onnxruntime intra-op threads. Default 1. */
  threads?: number;
  /** Building, downloading and loading progress. */
  onProgress?: ProgressListener;
}

export const DEFAULT_MODEL = 'default';

export async function createEmbedder(options: CreateEmbedderOptions): Promise<Embedder> {
  const { model, modelsDir, batchSize, threads, onProgress } = options;
  if (model === DEFAULT_MODEL) {
    const dir = await ensureDefaultModel(modelsDir, { onProgress });
    return loadTransformersEmbedder({ model: dir, batchSize, threads, onProgress });
  }
  return loadTransformersEmbedder({ model, batchSize, threads, onProgress, cacheDir: path.join(modelsDir, 'hub') });
}
