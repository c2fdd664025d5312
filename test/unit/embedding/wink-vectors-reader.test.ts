import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWordVectors, winkEmbeddingsPath } from '../../../src/embedding/wink-vectors-reader.js';
import { tempDir } from './tiny-model.js';

/** A file in the package's format; `vectors` maps words (in rank order) to their vectors. */
function winkJson(vectors: [string, number[]][], dimensions: number): string {
  const words = vectors.map(([w]) => w);
  const body = vectors.map(([w, v], rank) => `${JSON.stringify(w)}:[${[...v, 1.5, rank].join(',')}]`).join(',');
  return (
    `{"precision":8,"l2NormIndex":${dimensions},"wordIndex":${dimensions + 1},"size":${words.length},` +
    `"dimensions":${dimensions},"words":${JSON.stringify(words)},"vectors":{${body}},"unkVector":[0,0,-1]}`
  );
}

describe('readWordVectors', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => ({ dir, remove } = await tempDir('wink')));
  afterAll(() => remove());

  // Keys that would trip a naive scanner: quotes, brackets, the word "vectors" itself, non-ASCII, numbers.
  const entries: [string, number[]][] = [
    ['the', [0.5, -0.25]],
    ['"', [1e-7, -2.5e3]],
    ['vectors', [3, 0]],
    [']', [-0.038194, 0.72812]],
    ['“', [2.51777562, 1e-5]],
    ['1990', [0, -3]],
  ];

  it('reads every word, in rank order, with float32 values', async () => {
    const file = path.join(dir, 'all.json');
    await fs.writeFile(file, winkJson(entries, 2));
    const table = await readWordVectors(file);
    expect(table.words).toEqual(entries.map(([w]) => w));
    expect(table.dimension).toBe(2);
    expect(table.sourceSize).toBe(entries.length);
    expect(Array.from(table.vectors)).toEqual(entries.flatMap(([, v]) => v.map(Math.fround)));
  });

  it('stops after maxWords but still reports the source size', async () => {
    const file = path.join(dir, 'prefix.json');
    await fs.writeFile(file, winkJson(entries, 2));
    const progress: number[] = [];
    const table = await readWordVectors(file, { maxWords: 3, onProgress: (e) => progress.push(e.done / e.total) });
    expect(table.words).toEqual(['the', '"', 'vectors']);
    expect(table.vectors.length).toBe(6);
    expect(table.sourceSize).toBe(6);
    expect(progress.at(-1)).toBe(1);
  });

  it('rejects vectors out of rank order', async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, winkJson(entries, 2).replace('"the":[0.5,-0.25,1.5,0]', '"the":[0.5,-0.25,1.5,7]'));
    await expect(readWordVectors(file)).rejects.toThrow(/rank-0/);
  });

  it('reads the start of the real package quickly', async () => {
    const table = await readWordVectors(winkEmbeddingsPath(), { maxWords: 1000 });
    expect(table.dimension).toBe(100);
    expect(table.sourceSize).toBe(341_479);
    expect(table.words.slice(0, 5)).toEqual(['the', ',', '.', 'of', 'to']);
    // GloVe 6B 100d "the" starts -0.038194, -0.24487, 0.72812.
    expect(Array.from(table.vectors.subarray(0, 3))).toEqual([-0.038194, -0.24487, 0.72812].map(Math.fround));
  });
});
