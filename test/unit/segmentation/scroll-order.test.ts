import { describe, expect, it } from 'vitest';
import { idOrder, permuteRows } from '../../../src/segmentation/pipeline/scroll-step.js';

describe('putting scrolled rows in id order', () => {
  it('orders ids by code units and permutes matrix rows in place to match', () => {
    const ids = ['u3', 'u10', 'a', 'u1', 'Z', 'ü'];
    const order = idOrder(ids);
    expect(Array.from(order, (i) => ids[i])).toEqual([...ids].sort());
    const d = 3;
    const matrix = Float32Array.from(ids.flatMap((_, row) => [row, row + 0.5, -row]));
    permuteRows(matrix, d, order);
    Array.from(order).forEach((from, row) => {
      expect(Array.from(matrix.subarray(row * d, (row + 1) * d))).toEqual([from, from + 0.5, -from]);
    });
  });

  it('handles the identity, long cycles and many rows', () => {
    const n = 10_000;
    const d = 2;
    const order = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % n); // one permutation with long cycles
    const matrix = Float32Array.from({ length: n * d }, (_, i) => Math.floor(i / d));
    permuteRows(matrix, d, order);
    for (let row = 0; row < n; row++) expect(matrix[row * d]).toBe(order[row]);
    const same = Float32Array.from([1, 2, 3, 4]);
    permuteRows(same, 2, Uint32Array.from([0, 1]));
    expect(Array.from(same)).toEqual([1, 2, 3, 4]);
  });
});
