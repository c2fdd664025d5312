import { describe, expect, it } from 'vitest';
import { JsDistances, pairwiseSquaredDistances, rowSquaredNorms, squaredNorm64 } from '../../../src/clustering/kernels.js';
import { makeBlobs } from '../../../src/clustering/blobs.js';
import { kmeans } from '../../../src/clustering/kmeans.js';
import { Random } from '../../../src/clustering/random.js';
import { createDenseDistances, createSimdDistances } from '../../../src/clustering/simd-kernel.js';

/** Exact squared distance in double precision. */
function exact(x: Float32Array, i: number, c: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += (x[i * d + t]! - c[j * d + t]!) ** 2;
  return s;
}

describe('dense distance kernels', () => {
  it('assembles a valid WebAssembly SIMD module (Node 24 has SIMD, so the fast path is tested)', () => {
    expect(createSimdDistances(8, 4)).toBeDefined();
    expect(createDenseDistances(8, 4, false)).toBeInstanceOf(JsDistances);
  });

  for (const [n, d, m] of [
    [301, 7, 5],
    [64, 33, 3],
    [513, 384, 16],
    [10, 1, 1],
  ] as const) {
    it(`match exact distances within their error bound: n = ${n}, d = ${d}, m = ${m}`, () => {
      const rng = new Random(n + d + m);
      const x = Float32Array.from({ length: n * d }, () => rng.gaussian() * 3 + 1);
      const centers = Float64Array.from({ length: m * d }, () => rng.gaussian() * 3);
      const norms = rowSquaredNorms(x, n, d);
      const centerNorms = Float64Array.from({ length: m }, (_, j) => squaredNorm64(centers, j * d, d));
      for (const kernel of [createSimdDistances(d, m)!, new JsDistances(d, m)]) {
        kernel.setCenters(centers, centerNorms);
        // Scattered rows, odd batch sizes, and runs of consecutive rows.
        const rows = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n).sort();
        const picked = rows.filter((_, i) => i % 3 !== 1);
        const out = new Float64Array(kernel.blockRows * m);
        for (let start = 0; start < picked.length; start += kernel.blockRows) {
          const count = Math.min(kernel.blockRows, picked.length - start);
          kernel.squaredDistances(x, norms, picked.subarray(start, start + count), count, out);
          for (let r = 0; r < count; r++) {
            for (let j = 0; j < m; j++) {
              const i = picked[start + r]!;
              const error = Math.abs(out[r * m + j]! - exact(x, i, centers, j, d));
              expect(error).toBeLessThanOrEqual(kernel.gamma * (norms[i]! + centerNorms[j]!));
            }
          }
        }
      }
    });
  }

  it('computes symmetric pairwise distances', () => {
    const rng = new Random(4);
    const x = Float32Array.from({ length: 70 * 5 }, () => rng.next());
    const dist = pairwiseSquaredDistances(x, 70, 5);
    const x64 = Float64Array.from(x);
    for (let i = 0; i < 70; i++) {
      expect(dist[i * 70 + i]).toBe(0);
      for (let j = 0; j < 70; j++) {
        expect(dist[i * 70 + j]).toBe(dist[j * 70 + i]);
        if (i !== j) expect(dist[i * 70 + j]).toBeCloseTo(exact(x, i, x64, j, 5), 12);
      }
    }
  });
});

describe('kmeans with and without SIMD', () => {
  it('gives the same clustering either way', () => {
    for (const [std, seed] of [
      [1, 1],
      [6, 2],
    ] as const) {
      const { data } = makeBlobs({ n: 3000, d: 40, k: 7, std, seed });
      const fast = kmeans(data, 3000, 40, 7, { seed, tolerance: 0 });
      const plain = kmeans(data, 3000, 40, 7, { seed, tolerance: 0, simd: false });
      expect(fast.iterations).toBe(plain.iterations);
      expect(Array.from(fast.assignments)).toEqual(Array.from(plain.assignments));
      expect(fast.inertia).toBeCloseTo(plain.inertia, 6);
    }
  });
});
