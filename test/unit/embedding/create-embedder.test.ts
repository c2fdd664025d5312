import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbedder, ensureDefaultModel, DEFAULT_MODEL_ID, ModelLoadError } from '../../../src/embedding/index.js';
import { tempDir, writeTinyModel } from './tiny-model.js';

/** The project's shared model cache, which test/global-setup.ts fills before any test file runs. */
const modelsDir = path.resolve('models');

describe('createEmbedder', () => {
  it('"default" loads the full offline model from the shared cache without rebuilding it', async () => {
    const dir = await ensureDefaultModel(modelsDir);
    const builtAt = (await fs.stat(path.join(dir, 'onnx', 'model.onnx'))).mtimeMs;
    const embedder = await createEmbedder({ model: 'default', modelsDir });
    try {
      expect(embedder.modelId).toBe(DEFAULT_MODEL_ID);
      expect(embedder.dimension).toBe(100);
      expect((await fs.stat(path.join(dir, 'onnx', 'model.onnx'))).mtimeMs).toBe(builtAt);
      const [cat, kitten, pasta] = await embedder.embed([
        'The cat rested on the carpet',
        'The kitten slept on the rug',
        'cooking recipes for vegan pasta',
      ]);
      const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, k) => sum + x * b[k], 0);
      expect(cosine(cat, kitten)).toBeGreaterThan(cosine(cat, pasta) + 0.25);
      expect(Math.hypot(...cat)).toBeCloseTo(1, 5);
    } finally {
      await embedder.close();
    }
  });

  it('accepts a model directory (relative too), taking the model id from its config.json', async () => {
    const { dir, remove } = await tempDir('relative');
    await writeTinyModel(dir, { cat: [1, 2] }, { modelId: 'test/relative' });
    const embedder = await createEmbedder({ model: path.relative(process.cwd(), dir), modelsDir: '/nonexistent' });
    expect(embedder.modelId).toBe('test/relative');
    expect(embedder.dimension).toBe(2);
    await embedder.close();
    await remove();
  });

  it('rejects an unusable model setting with a ModelLoadError', async () => {
    await expect(createEmbedder({ model: './no-such-model-dir', modelsDir })).rejects.toThrow(ModelLoadError);
  });
});
