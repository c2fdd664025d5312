import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/clustering/ari.js';
import {
  calinskiHarabasz,
  clusterMeans,
  clusterStats,
  clusteringQuality,
  daviesBouldin,
  inertia,
  silhouetteScore,
} from '../../../src/clustering/metrics.js';
import { makeBlobs } from '../../../src/clustering/blobs.js';

// Four points on a line, two clusters: {0, 1} and {4, 5}. By hand:
//   silhouette: rows 0 and 3 have a = 1, b = 4.5 → 7/9; rows 1 and 2 have a = 1, b = 3.5 → 5/7;
//               mean = (7/9 + 5/7) / 2 = 47/63
//   Davies-Bouldin: scatter 0.5 and 0.5, means 4 apart → (0.5 + 0.5) / 4 = 0.25
//   Calinski-Harabasz: between = 2·2² + 2·2² = 16, within = 4 · 0.5² = 1 → 16 · (4 − 2) / (1 · (2 − 1)) = 32
const line = Float32Array.from([0, 1, 4, 5]);
const lineLabels = Int32Array.from([0, 0, 1, 1]);

// Nine 2-D points in three clusters, checked against scikit-learn 1.2.1 in float64:
//   X = [[0,0],[0,1],[1,0],[5,5],[5,6],[6,5],[6,6],[10,0],[11,0]]; y = [0,0,0,1,1,1,1,2,2]
//   silhouette_score(X, y)                    = 0.8463751907868418
//   silhouette_score(X + 1, y, metric='cosine') = 0.3816692498298122
//   davies_bouldin_score(X, y)                = 0.17832288679610328
//   calinski_harabasz_score(X, y)             = 148.13043478260866
const nine = Float32Array.from([0, 0, 0, 1, 1, 0, 5, 5, 5, 6, 6, 5, 6, 6, 10, 0, 11, 0]);
const nineLabels = Int32Array.from([0, 0, 0, 1, 1, 1, 1, 2, 2]);

describe('silhouette', () => {
  it('matches the hand-computed value on a line', () => {
    expect(silhouetteScore(line, 4, 1, lineLabels)).toBeCloseTo(47 / 63, 12);
  });

  it('matches scikit-learn on a small 2-D example (euclidean and cosine)', () => {
    expect(silhouetteScore(nine, 9, 2, nineLabels)).toBeCloseTo(0.8463751907868418, 12);
    const shifted = nine.map((v) => v + 1);
    expect(silhouetteScore(shifted, 9, 2, nineLabels, { metric: 'cosine' })).toBeCloseTo(0.3816692498298122, 12);
  });

  it('gives 0 to a row alone in its cluster, and NaN with a single cluster', () => {
    // Rows {0}, {10, 11}: row 0 scores 0; rows 10 and 11 have a = 1 and b = 10 and 11.
    const data = Float32Array.from([0, 10, 11]);
    const expected = (0 + (10 - 1) / 10 + (11 - 1) / 11) / 3;
    expect(silhouetteScore(data, 3, 1, [0, 1, 1])).toBeCloseTo(expected, 12);
    expect(silhouetteScore(data, 3, 1, [0, 0, 0])).toBeNaN();
  });

  it('samples a stated number of rows, deterministically by seed, for large n', () => {
    const { data, labels } = makeBlobs({ n: 3000, d: 8, k: 4, std: 1, seed: 3 });
    const exact = silhouetteScore(data, 3000, 8, labels, { sampleSize: 3000 });
    const a = silhouetteScore(data, 3000, 8, labels, { sampleSize: 500, seed: 1 });
    const b = silhouetteScore(data, 3000, 8, labels, { sampleSize: 500, seed: 1 });
    expect(a).toBe(b);
    expect(Math.abs(a - exact)).toBeLessThan(0.02);
  });
});

describe('inertia, Davies-Bouldin, Calinski-Harabasz', () => {
  it('match hand-computed values on a line', () => {
    const { means } = clusterMeans(line, 4, 1, lineLabels);
    expect(Array.from(means)).toEqual([0.5, 4.5]);
    expect(inertia(line, 4, 1, lineLabels, means)).toBe(1);
    expect(daviesBouldin(line, 4, 1, lineLabels)).toBeCloseTo(0.25, 12);
    expect(calinskiHarabasz(line, 4, 1, lineLabels)).toBeCloseTo(32, 10);
  });

  it('match scikit-learn on a small 2-D example', () => {
    expect(daviesBouldin(nine, 9, 2, nineLabels)).toBeCloseTo(0.17832288679610328, 12);
    expect(calinskiHarabasz(nine, 9, 2, nineLabels)).toBeCloseTo(148.13043478260866, 9);
  });

  it('are NaN with fewer than two clusters', () => {
    expect(daviesBouldin(line, 4, 1, [0, 0, 0, 0])).toBeNaN();
    expect(calinskiHarabasz(line, 4, 1, [1, 1, 1, 1])).toBeNaN();
  });
});

describe('per-cluster statistics', () => {
  it('computes sizes, shares, cohesion and separation by hand', () => {
    // Cluster 0: (1, 0), (0, 1) → centroid (0.5, 0.5), each member at cos = √2/2.
    // Cluster 1: (2, 0), (4, 0), (3, 0) → centroid (3, 0), each member at cos = 1.
    // The two centroids are 45° apart: separation = 1 − √2/2 for both.
    const data = Float32Array.from([1, 0, 0, 1, 2, 0, 4, 0, 3, 0]);
    const stats = clusterStats(data, 5, 2, [0, 0, 1, 1, 1], 2);
    expect(stats.map((s) => [s.cluster, s.size, s.share])).toEqual([
      [0, 2, 0.4],
      [1, 3, 0.6],
    ]);
    expect(stats[0]!.cohesion).toBeCloseTo(Math.SQRT1_2, 12);
    expect(stats[1]!.cohesion).toBeCloseTo(1, 12);
    expect(stats[0]!.separation).toBeCloseTo(1 - Math.SQRT1_2, 12);
    expect(stats[1]!.separation).toBeCloseTo(1 - Math.SQRT1_2, 12);
  });

  it('reports an empty cluster with NaN cohesion and uses given centroids', () => {
    const data = Float32Array.from([1, 0, 2, 0]);
    const stats = clusterStats(data, 2, 2, [0, 0], 2, Float32Array.from([1, 0, 0, 1]));
    expect(stats[1]).toMatchObject({ size: 0, share: 0 });
    expect(stats[1]!.cohesion).toBeNaN();
    expect(stats[0]!.separation).toBeCloseTo(1, 12); // orthogonal centroids
  });

  it('bundles every metric', () => {
    const q = clusteringQuality(nine, 9, 2, nineLabels, 3);
    expect(q.silhouette).toBeCloseTo(0.8463751907868418, 12);
    expect(q.silhouetteSampleSize).toBe(9);
    expect(q.daviesBouldin).toBeCloseTo(0.17832288679610328, 12);
    expect(q.clusters.map((c) => c.size)).toEqual([3, 4, 2]);
  });
});

describe('adjusted Rand index', () => {
  it('matches the hand-computed value', () => {
    // Contingency {2, 1, 1}: Σ C(nij, 2) = 1, rows Σ C(ai, 2) = 2, cols Σ C(bj, 2) = 1, C(4, 2) = 6.
    // Expected index 2 · 1 / 6 = 1/3, max (2 + 1) / 2 = 3/2 → ARI = (1 − 1/3) / (3/2 − 1/3) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 14);
  });

  it('matches scikit-learn and its edge cases', () => {
    // adjusted_rand_score([0,0,0,1,1,1,2,2,2,2], [1,1,0,0,2,2,2,2,0,0]) = 0.05904059040590406
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1, 2, 2, 2, 2], [1, 1, 0, 0, 2, 2, 2, 2, 0, 0])).toBeCloseTo(0.05904059040590406, 14);
    expect(adjustedRandIndex([0, 0, 0, 0], [1, 1, 1, 1])).toBe(1);
    expect(adjustedRandIndex([0, 1, 2, 3], [0, 0, 1, 1])).toBe(0);
    expect(adjustedRandIndex([], [])).toBe(1);
  });

  it('ignores label names and is symmetric', () => {
    const a = [3, 3, 7, 7, 7, -1, -1];
    const renamed = a.map((l) => (l === 3 ? 0 : l === 7 ? 1 : 2));
    expect(adjustedRandIndex(a, renamed)).toBe(1);
    const b = [0, 1, 1, 0, 2, 2, 0];
    expect(adjustedRandIndex(a, b)).toBeCloseTo(adjustedRandIndex(b, a), 14);
  });

  it('rejects labelings of different lengths', () => {
    expect(() => adjustedRandIndex([0], [0, 1])).toThrow(RangeError);
  });
});
