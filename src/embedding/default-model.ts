import { buildGloveModel, gloveModelId } from './glove-model-builder.js';
import { ensureModel } from './model-cache.js';
import type { ProgressListener } from './port.js';

export interface EnsureDefaultModelOptions {
  onProgress?: ProgressListener;
  /** Build a smaller vocabulary (cached under its own name and model id); for tests. */
  maxWords?: number;
}

/**
 * Returns the directory of the default offline model in `modelsDir`, building it first when absent
 * (≈ 5 s for the full vocabulary; then a few file stats). Safe to call concurrently, from several
 * processes too: see ensureModel.
 */
export function ensureDefaultModel(modelsDir: string, options: EnsureDefaultModelOptions = {}): Promise<string> {
  const { maxWords, onProgress } = options;
  const name = gloveModelId({ maxWords }).split('/').at(-1) as string;
  return ensureModel(modelsDir, name, async (dir) => {
    await buildGloveModel(dir, { maxWords, onProgress });
  });
}
