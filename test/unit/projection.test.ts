import { describe, expect, it } from 'vitest';
import { pca2, project, projectRun, sampleRows } from '../../src/segmentation/projection.js';

describe('PCA projection', () => {
  it('finds the directions of largest variance, in order', () => {
    // Points spread 10 along (1,1,0)/√2, 1 along z, nothing else.
    const rows: number[] = [];
    for (let i = -5; i <= 5; i++) for (const z of [-0.5, 0.5]) rows.push(i / Math.SQRT2, i / Math.SQRT2, z);
    const data = Float32Array.from(rows);
    const n = data.length / 3;
    const pca = pca2(data, 3, Int32Array.from({ length: n }, (_, i) => i), 7);
    const [a, b] = pca.components;
    expect(Math.abs(a[0]!)).toBeCloseTo(Math.SQRT1_2, 4);
    expect(Math.abs(a[1]!)).toBeCloseTo(Math.SQRT1_2, 4);
    expect(Math.abs(b[2]!)).toBeCloseTo(1, 4);
    expect(a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!).toBeCloseTo(0, 6);
    // The mean maps to the origin.
    expect(project(pca, pca.mean, 0)).toEqual({ x: 0, y: 0 });
  });

  it('samples distinct rows reproducibly for a seed', () => {
    const a = sampleRows(100, 20, 3);
    expect(new Set(a).size).toBe(20);
    expect(Array.from(sampleRows(100, 20, 3))).toEqual(Array.from(a));
    expect(Array.from(sampleRows(100, 20, 4))).not.toEqual(Array.from(a));
    expect(sampleRows(5, 20, 3)).toHaveLength(5);
  });

  it('places two separated clusters apart on x, centroids among their members', () => {
    const d = 4;
    const n = 40;
    const data = new Float32Array(n * d);
    const assignments = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      assignments[i] = i < 20 ? 0 : 1;
      data[i * d] = assignments[i] === 0 ? -1 : 1;
      data[i * d + 1] = ((i % 5) - 2) * 0.05;
    }
    const centroids = Float32Array.from([-1, 0, 0, 0, 1, 0, 0, 0]);
    const projection = projectRun({ data, n, d, ids: Array.from({ length: n }, (_, i) => `u${i}`), assignments, centroids, k: 2, seed: 1, sampleSize: 30 });
    expect(projection.members).toHaveLength(30);
    const [c0, c1] = projection.centroids;
    expect(Math.abs(c0!.x - c1!.x)).toBeCloseTo(2, 3);
    for (const m of projection.members) expect(Math.sign(m.x)).toBe(Math.sign(m.segmentIndex === 0 ? c0!.x : c1!.x));
  });
});
