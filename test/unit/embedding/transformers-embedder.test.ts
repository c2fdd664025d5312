import fs from 'node:fs/promises';
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/embedding/model-load-error.js';
import { loadTransformersEmbedder } from '../../../src/embedding/transformers-embedder.js';
import type { Embedder } from '../../../src/embedding/port.js';
import { tempDir, writeTinyModel } from './tiny-model.js';

/** Five words in three dimensions: sentence vectors are easy to work out by hand. */
const WORDS = {
  cat: [1, 0, 0],
  dog: [0, 1, 0],
  runs: [0, 0, 2],
  cafe: [3, 4, 0],
  ',': [0, 0, 0.5],
};

const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));

describe('the transformers.js embedder on a tiny model', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let embedder: Embedder;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir('tiny'));
    await writeTinyModel(dir, WORDS, { modelId: 'test/tiny-v1' });
    embedder = await loadTransformersEmbedder({ model: dir, batchSize: 2 });
  });
  afterAll(async () => {
    await embedder.close();
    await remove();
  });

  it('reports the model id from config.json and the output dimension', () => {
    expect(embedder.modelId).toBe('test/tiny-v1');
    expect(embedder.dimension).toBe(3);
  });

  it('the ONNX graph is a plain row lookup, padding rows included', async () => {
    const extractor = await pipeline('feature-extraction', dir, { local_files_only: true, dtype: 'fp32', device: 'cpu' });
    const output = await extractor(['cat runs', 'dog'], { pooling: 'none' });
    expect(output.dims).toEqual([2, 4, 3]); // [CLS] cat runs [SEP] / [CLS] dog [SEP] [PAD]
    expect(output.tolist()).toEqual([
      [[0, 0, 0], [1, 0, 0], [0, 0, 2], [0, 0, 0]],
      [[0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]],
    ]);
    await extractor.dispose();
  });

  it('returns normalised sums of the word rows, in input order across batches', async () => {
    const texts = ['cat dog', 'Dog runs, CAT!', 'Café', 'cat', 'runs runs dog'];
    const vectors = await embedder.embed(texts);
    const expected = [[1, 1, 0], [1, 1, 2.5], [3, 4, 0], [1, 0, 0], [0, 1, 4]].map(unit);
    expect(vectors).toHaveLength(texts.length);
    vectors.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      Array.from(vector).forEach((x, k) => expect(x).toBeCloseTo(expected[i][k], 6));
    });
  });

  it('gives a zero vector, not NaN, for empty text and text with no known words', async () => {
    const vectors = await embedder.embed(['', 'zebra quokka', '   ', 'cat']);
    expect(Array.from(vectors[0])).toEqual([0, 0, 0]);
    expect(Array.from(vectors[1])).toEqual([0, 0, 0]);
    expect(Array.from(vectors[2])).toEqual([0, 0, 0]);
    expect(Array.from(vectors[3])).toEqual([1, 0, 0]);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('serves concurrent calls correctly', async () => {
    const [a, b] = await Promise.all([embedder.embed(['cat', 'dog']), embedder.embed(['runs'])]);
    expect(Array.from(a[1])).toEqual([0, 1, 0]);
    expect(Array.from(b[0])).toEqual([0, 0, 1]);
  });
});

describe('loading errors', () => {
  it('rejects a string that is neither a directory nor a hub id', async () => {
    await expect(loadTransformersEmbedder({ model: '/no/such/dir' })).rejects.toThrow(ModelLoadError);
    await expect(loadTransformersEmbedder({ model: 'not a model' })).rejects.toThrow(/not a Hugging Face hub id/);
  });

  it('says how to get the offline model when a hub model cannot be fetched', async () => {
    const { dir, remove } = await tempDir('hub');
    const remoteHost = env.remoteHost;
    env.remoteHost = 'http://127.0.0.1:9/'; // nothing listens there: fails fast even on a machine with network
    try {
      await expect(loadTransformersEmbedder({ model: 'Xenova/all-MiniLM-L6-v2', cacheDir: dir })).rejects.toThrow(
        /could not load model "Xenova\/all-MiniLM-L6-v2": .*set EMBEDDING_MODEL=default for the offline model/,
      );
    } finally {
      env.remoteHost = remoteHost;
      await remove();
    }
  });

  it('says what to do when a model directory is broken', async () => {
    const { dir, remove } = await tempDir('broken');
    await writeTinyModel(dir, WORDS);
    await fs.writeFile(path.join(dir, 'onnx', 'model.onnx'), 'not a model');
    await expect(loadTransformersEmbedder({ model: dir })).rejects.toThrow(/could not load model ".*": .*Delete the directory/);
    await remove();
  });

  it('refuses to use a closed embedder', async () => {
    const { dir, remove } = await tempDir('closed');
    await writeTinyModel(dir, WORDS);
    const embedder = await loadTransformersEmbedder({ model: dir });
    await embedder.close();
    await expect(embedder.embed(['cat'])).rejects.toThrow(/closed/);
    await remove();
  });
});
