import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/clustering/ari.js';
import { makeBlobs } from '../../../src/clustering/blobs.js';
import { chooseK } from '../../../src/clustering/choose-k.js';

describe('chooseK', () => {
  for (const planted of [5, 8]) {
    it(`recovers a planted k = ${planted} over 2..12`, () => {
      const { data, labels } = makeBlobs({ n: 2400, d: 16, k: planted, std: 1, seed: planted });
      const progress: number[] = [];
      const result = chooseK(data, 2400, 16, { minK: 2, maxK: 12, seed: 1, onCandidate: (_, done) => progress.push(done) });
      expect(result.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(result.sampleSize).toBe(2000);
      expect(result.bestK).toBe(planted);
      const best = result.candidates.find((c) => c.k === planted)!;
      expect(Math.max(...result.candidates.map((c) => c.silhouette))).toBe(best.silhouette);
      expect(result.best.centroids.length).toBe(planted * 16);
      expect(adjustedRandIndex(result.best.assignments, labels)).toBe(1);
    });
  }

  it('caps maxK at n − 1 and rejects an empty range', () => {
    const { data } = makeBlobs({ n: 6, d: 2, k: 2, seed: 1 });
    expect(chooseK(data, 6, 2, { maxK: 12 }).candidates.map((c) => c.k)).toEqual([2, 3, 4, 5]);
    expect(() => chooseK(data, 6, 2, { minK: 1 })).toThrow(RangeError);
    expect(() => chooseK(data, 6, 2, { minK: 7, maxK: 9 })).toThrow(RangeError);
  });
});
