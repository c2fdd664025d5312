import { describe, expect, it } from 'vitest';
import { inertia, nearestCentroid, normalizedRow, orderClustersBySize } from '../../../src/segmentation/vector-math.js';

describe('vector math', () => {
  it('normalises a row and leaves zero rows at zero', () => {
    const m = Float32Array.from([3, 4, 0, 0]);
    expect(Array.from(normalizedRow(m, 0, 2))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(normalizedRow(m, 1, 2))).toEqual([0, 0]);
  });

  it('computes inertia as the sum of squared distances to assigned centroids', () => {
    const data = Float32Array.from([0, 0, 2, 0, 10, 10]);
    const centroids = Float32Array.from([1, 0, 10, 11]);
    expect(inertia(data, 3, 2, Int32Array.from([0, 0, 1]), centroids)).toBe(1 + 1 + 1);
  });

  it('finds the nearest centroid by dot product', () => {
    const centroids = Float32Array.from([1, 0, 0, 1, -1, 0]);
    expect(nearestCentroid(Float32Array.from([0.1, 0.9]), centroids, 3, 2)).toBe(1);
    expect(nearestCentroid(Float32Array.from([-0.8, 0.2]), centroids, 3, 2)).toBe(2);
    expect(nearestCentroid(Float32Array.from([1, 0]), new Float32Array(0), 0, 2)).toBe(-1);
  });

  it('renumbers clusters largest first', () => {
    const { assignments, order } = orderClustersBySize(Int32Array.from([2, 0, 2, 1, 2, 0]), 3);
    expect(order).toEqual([2, 0, 1]);
    expect(Array.from(assignments)).toEqual([0, 1, 0, 2, 0, 1]);
  });
});
