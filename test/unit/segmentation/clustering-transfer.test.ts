import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../../../src/clustering/blobs.js';
import { runClustering } from '../../../src/segmentation/run-clustering.js';

describe('runClustering', () => {
  it('moves the matrix to the worker and back instead of copying it', async () => {
    const { data, labels } = makeBlobs({ n: 600, d: 8, k: 3, seed: 4 });
    const original = Float32Array.from(data);
    const job = { data, n: 600, d: 8, k: 3, kRange: null, seed: 1, algorithm: 'KMEANS' as const, subsegments: 2, silhouetteSampleSize: 200, maxIterations: 50 };
    const pending = runClustering(job);
    // Transferred: the sender's view is detached at once, so no second copy stays in this thread.
    expect(data.byteLength).toBe(0);
    const outcome = await pending;
    expect(outcome.data).toEqual(original);
    expect(outcome.assignments).toHaveLength(600);
    expect(outcome.children?.filter(Boolean)).toHaveLength(3);
    // The planted blobs are found (every blob in one cluster).
    for (let c = 0; c < 3; c++) {
      const found = new Set(Array.from(outcome.assignments).filter((_, i) => labels[i] === c));
      expect(found.size).toBe(1);
    }
  });

  it('takes a view over a larger buffer (a pre-sized matrix) and hands the same view back', async () => {
    const { data } = makeBlobs({ n: 100, d: 4, k: 2, seed: 2 });
    const buffer = new Float32Array(150 * 4);
    buffer.set(data);
    const view = buffer.subarray(0, 100 * 4);
    const outcome = await runClustering({ data: view, n: 100, d: 4, k: 2, kRange: null, seed: 1, algorithm: 'KMEANS', subsegments: null, silhouetteSampleSize: 50, maxIterations: 20 });
    expect(outcome.data.length).toBe(400);
    expect(outcome.data.buffer.byteLength).toBe(150 * 4 * 4);
    expect(outcome.data).toEqual(data);
  });

  it('rejects at once when the run is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const job = { data: new Float32Array(8), n: 2, d: 4, k: 2, kRange: null, seed: 1, algorithm: 'KMEANS' as const, subsegments: null, silhouetteSampleSize: 2, maxIterations: 5 };
    await expect(runClustering(job, undefined, controller.signal)).rejects.toThrow('cancelled');
  });
});
