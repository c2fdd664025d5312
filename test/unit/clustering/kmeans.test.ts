import { kmeans as mlKmeans } from 'ml-kmeans';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/clustering/ari.js';
import { makeBlobs } from '../../../src/clustering/blobs.js';
import { kmeans, kmeansPlusPlus } from '../../../src/clustering/kmeans.js';
import { clusterMeans, inertia } from '../../../src/clustering/metrics.js';
import { Random } from '../../../src/clustering/random.js';

const toRows = (data: Float32Array, n: number, d: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));

function uniform(n: number, d: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n * d }, () => rng.next());
}

/** Index of the nearest row of `centroids` to row i of `data`, by brute force. */
function nearest(data: Float32Array, i: number, centroids: Float32Array, k: number, d: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += (data[i * d + t]! - centroids[c * d + t]!) ** 2;
    if (s < bestDistance) [best, bestDistance] = [c, s];
  }
  return best;
}

describe('kmeans against ml-kmeans (reference implementation)', () => {
  // Datasets where Lloyd needs many iterations (uniform noise has no clusters to snap to),
  // so that Elkan's pruning is exercised over a long trajectory, plus overlapping blobs.
  const datasets = [
    { name: 'uniform noise, d = 4, k = 7', n: 1500, d: 4, k: 7, data: uniform(1500, 4, 11) },
    { name: 'uniform noise, d = 33, k = 10', n: 1200, d: 33, k: 10, data: uniform(1200, 33, 12) },
    { name: 'overlapping blobs, d = 16, k = 6', n: 2000, d: 16, k: 6, data: makeBlobs({ n: 2000, d: 16, k: 6, std: 6, seed: 13 }).data },
  ];

  for (const { name, n, d, k, data } of datasets) {
    it(`reaches the same clustering from the same initial centroids: ${name}`, () => {
      const init = kmeansPlusPlus(data, n, d, k, { seed: 5 });
      // Tolerance 0 on both sides: run until no row changes cluster (the rules differ otherwise:
      // ml-kmeans bounds each centroid's movement, ours the total relative to the data's variance).
      const ours = kmeans(data, n, d, k, { init, maxIterations: 500, tolerance: 0 });
      const oursWithoutSimd = kmeans(data, n, d, k, { init, maxIterations: 500, tolerance: 0, simd: false });
      expect(oursWithoutSimd.assignments).toEqual(ours.assignments);
      const reference = mlKmeans(toRows(data, n, d), k, {
        initialization: toRows(init, k, d),
        maxIterations: 500,
        tolerance: 0,
      });
      expect(ours.converged).toBe(true);
      expect(reference.converged).toBe(true);
      expect(ours.iterations).toBeGreaterThan(3);
      expect(ours.iterations).toBe(reference.iterations);
      expect(Array.from(ours.assignments)).toEqual(reference.clusters);
      const referenceCentroids = Float32Array.from(reference.centroids.flat());
      const referenceInertia = inertia(data, n, d, reference.clusters, referenceCentroids);
      expect(Math.abs(ours.inertia - referenceInertia) / referenceInertia).toBeLessThan(1e-6);
      for (let i = 0; i < k * d; i++) expect(ours.centroids[i]).toBeCloseTo(referenceCentroids[i]!, 5);
    });
  }

  it('agrees with ml-kmeans (each seeding itself) on well-separated blobs, ARI ≥ 0.99', () => {
    for (const seed of [1, 2, 3]) {
      const { data, labels } = makeBlobs({ n: 3000, d: 24, k: 8, std: 1, seed });
      const ours = kmeans(data, 3000, 24, 8, { seed });
      const reference = mlKmeans(toRows(data, 3000, 24), 8, { seed, initialization: 'kmeans++' });
      expect(adjustedRandIndex(ours.assignments, reference.clusters)).toBeGreaterThanOrEqual(0.99);
      expect(adjustedRandIndex(ours.assignments, labels)).toBeGreaterThanOrEqual(0.99);
    }
  });
});

describe('kmeans', () => {
  const { data, labels } = makeBlobs({ n: 1000, d: 10, k: 5, std: 1.5, seed: 21 });

  it('is deterministic for a seed', () => {
    const a = kmeans(data, 1000, 10, 5, { seed: 7 });
    const b = kmeans(data, 1000, 10, 5, { seed: 7 });
    expect(a).toEqual(b);
    expect(adjustedRandIndex(a.assignments, labels)).toBe(1);
  });

  it('keeps the lowest-inertia run of nInit seedings', () => {
    const noisy = makeBlobs({ n: 1500, d: 12, k: 6, std: 4, seed: 8 }).data;
    const runs = [0, 1, 2, 3].map((seed) => kmeans(noisy, 1500, 12, 6, { seed }));
    const best = kmeans(noisy, 1500, 12, 6, { seed: 0, nInit: 4 });
    expect(best.inertia).toBe(Math.min(...runs.map((r) => r.inertia)));
    const init = kmeansPlusPlus(noisy, 1500, 12, 6, { seed: 1 });
    expect(kmeans(noisy, 1500, 12, 6, { init, nInit: 5 })).toEqual(kmeans(noisy, 1500, 12, 6, { init }));
  });

  it('assigns every row to its nearest centroid, centroids are member means, inertia is the SSE', () => {
    const data2 = uniform(800, 6, 3);
    const r = kmeans(data2, 800, 6, 9, { seed: 1 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 800; i++) expect(r.assignments[i]).toBe(nearest(data2, i, r.centroids, 9, 6));
    const { means } = clusterMeans(data2, 800, 6, r.assignments, 9);
    for (let i = 0; i < means.length; i++) expect(r.centroids[i]).toBeCloseTo(means[i]!, 5);
    expect(r.inertia).toBeCloseTo(inertia(data2, 800, 6, r.assignments, r.centroids), 3);
  });

  it('reports progress after every iteration with non-increasing inertia', () => {
    const seen: Array<[number, number]> = [];
    const data2 = uniform(1000, 3, 4);
    const r = kmeans(data2, 1000, 3, 6, { seed: 2, onIteration: (i, e) => seen.push([i, e]) });
    expect(seen.map(([i]) => i)).toEqual(Array.from({ length: r.iterations }, (_, i) => i + 1));
    for (let i = 1; i < seen.length; i++) expect(seen[i]![1]).toBeLessThanOrEqual(seen[i - 1]![1] * (1 + 1e-12));
    expect(seen.at(-1)![1]).toBeCloseTo(r.inertia, 6);
  });

  it('stops at maxIterations, unconverged, still assigning rows to their nearest centroid', () => {
    const data2 = uniform(1000, 5, 5);
    const r = kmeans(data2, 1000, 5, 8, { seed: 3, maxIterations: 2, tolerance: 0 });
    expect(r.iterations).toBe(2);
    expect(r.converged).toBe(false);
    for (let i = 0; i < 1000; i++) expect(r.assignments[i]).toBe(nearest(data2, i, r.centroids, 8, 5));
  });

  it('re-seeds an empty cluster from the farthest row', () => {
    // Two tight groups and one outlier; centroid 2 starts far from everything and gets no row.
    const pts = Float32Array.from([0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 11, 10, 50, 50]);
    const init = Float32Array.from([0, 0, 10, 10, -1000, -1000]);
    const r = kmeans(pts, 7, 2, 3, { init });
    const sizes = [0, 0, 0];
    for (const c of r.assignments) sizes[c]! += 1;
    expect(sizes.every((s) => s > 0)).toBe(true);
    // The outlier (50, 50), farthest from its first centre, ends alone in its own cluster.
    expect(sizes[r.assignments[6]!]).toBe(1);
    expect(r.converged).toBe(true);
  });

  it('handles identical rows, k = 1 and k = n', () => {
    const same = new Float32Array(20).fill(3);
    const r = kmeans(same, 10, 2, 3, { seed: 1 });
    expect(r.inertia).toBe(0);
    expect(new Set(r.assignments).size).toBe(3); // empty clusters were re-seeded
    const one = kmeans(data, 1000, 10, 1);
    const { means } = clusterMeans(data, 1000, 10, new Int32Array(1000), 1);
    for (let t = 0; t < 10; t++) expect(one.centroids[t]).toBeCloseTo(means[t]!, 4);
    const small = Float32Array.from([0, 1, 5, 9]);
    const all = kmeans(small, 4, 1, 4);
    expect(all.inertia).toBe(0);
    expect(new Set(all.assignments).size).toBe(4);
  });

  it('rejects bad shapes and k', () => {
    expect(() => kmeans(new Float32Array(6), 3, 2, 4)).toThrow(RangeError);
    expect(() => kmeans(new Float32Array(6), 3, 2, 0)).toThrow(RangeError);
    expect(() => kmeans(new Float32Array(5), 3, 2, 2)).toThrow(RangeError);
    expect(() => kmeans(new Float32Array(6), 3, 2, 2, { init: new Float32Array(2) })).toThrow(RangeError);
  });
});

describe('kmeansPlusPlus', () => {
  it('picks k distinct data rows, one per well-separated blob', () => {
    const { data, labels } = makeBlobs({ n: 2000, d: 8, k: 6, std: 0.5, seed: 9 });
    const centers = kmeansPlusPlus(data, 2000, 8, 6, { seed: 4 });
    const blobs = new Set<number>();
    for (let c = 0; c < 6; c++) {
      const row = [...Array(2000).keys()].find((i) => data.subarray(i * 8, i * 8 + 8).every((v, t) => v === centers[c * 8 + t]));
      expect(row).toBeDefined();
      blobs.add(labels[row!]!);
    }
    expect(blobs.size).toBe(6);
  });

  it('seeds from a sample when n is large, deterministically', () => {
    const { data } = makeBlobs({ n: 5000, d: 4, k: 3, seed: 1 });
    const a = kmeansPlusPlus(data, 5000, 4, 3, { seed: 8, sampleSize: 300 });
    expect(a).toEqual(kmeansPlusPlus(data, 5000, 4, 3, { seed: 8, sampleSize: 300 }));
    expect(a).not.toEqual(kmeansPlusPlus(data, 5000, 4, 3, { seed: 9, sampleSize: 300 }));
  });
});

describe('Random', () => {
  it('samples distinct sorted indices deterministically', () => {
    const a = new Random(1).sampleIndices(1000, 100);
    expect(a).toEqual(new Random(1).sampleIndices(1000, 100));
    expect(new Set(a).size).toBe(100);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
    expect(Array.from(new Random(1).sampleIndices(5, 10))).toEqual([0, 1, 2, 3, 4]);
  });

  it('draws standard normal deviates', () => {
    const rng = new Random(2);
    const xs = Array.from({ length: 20000 }, () => rng.gaussian());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('multi-start on a sample', () => {
  it('chooses among seedings on a sample, then runs once on every row: as good as the best of full runs, far below the worst', () => {
    const n = 6000;
    const { data, labels } = makeBlobs({ n, d: 12, k: 10, std: 2.5, seed: 21 });
    const sampled = kmeans(data, n, 12, 10, { seed: 3, nInit: 8, multiStartSampleSize: 1500 });
    const full = kmeans(data, n, 12, 10, { seed: 3, nInit: 8, multiStartSampleSize: n });
    const singles = Array.from({ length: 8 }, (_, r) => kmeans(data, n, 12, 10, { seed: 3 + r }).inertia);
    expect(sampled.inertia).toBeLessThanOrEqual(full.inertia * 1.001);
    expect(adjustedRandIndex(Array.from(labels), Array.from(sampled.assignments))).toBeGreaterThan(0.95);
    expect(sampled.inertia).toBeLessThanOrEqual(Math.max(...singles));
    // Every row sits with its nearest centroid: the final run went over all rows.
    expect(sampled.assignments).toHaveLength(n);
  });
});
