import { describe, expect, it } from 'vitest';
import { principalDirection, removeDirection } from '../../../src/embedding/common-component.js';
import { harmonicNumber, sifWeight, sifWeightsByRank, zipfProbability } from '../../../src/embedding/sif-weights.js';

describe('SIF weights', () => {
  it('estimates Zipf probabilities that sum to one', () => {
    const h = harmonicNumber(1000);
    expect(h).toBeCloseTo(7.4854708606, 9);
    let sum = 0;
    for (let rank = 1; rank <= 1000; rank++) sum += zipfProbability(rank, h);
    expect(sum).toBeCloseTo(1, 12);
  });

  it('down-weights frequent words and leaves rare ones near 1', () => {
    const w = sifWeightsByRank(100_000, 341_479, 1e-3);
    expect(w[0]).toBeLessThan(0.02); // "the"
    expect(w[99]).toBeGreaterThan(0.5);
    expect(w[99_999]).toBeGreaterThan(0.999);
    expect(w.every((x, i) => i === 0 || x >= w[i - 1])).toBe(true);
    expect(sifWeight(1e-3, 1e-3)).toBe(0.5);
  });
});

describe('common component', () => {
  it('finds the dominant direction and projects it out', () => {
    // Rows = big multiples of (1,1,0)/√2 plus small noise along z.
    const rows = [5, 5, 0, -0.2, 4, 4, 0, 0.1, 3, 3, 0.1, 0, -2, -2, 0.3, 0.3];
    const matrix = new Float32Array(rows);
    const u = principalDirection(matrix, 4, 4, () => 1);
    expect(Math.hypot(...u)).toBeCloseTo(1, 12);
    expect(Math.abs(u[0])).toBeGreaterThan(0.6);
    expect(Math.abs(u[1])).toBeGreaterThan(0.6);
    removeDirection(matrix, 4, u);
    for (let i = 0; i < 4; i++) {
      let dot = 0;
      for (let k = 0; k < 4; k++) dot += matrix[i * 4 + k] * u[k];
      expect(Math.abs(dot)).toBeLessThan(1e-5);
    }
  });

  it('respects row weights and leaves zero rows zero', () => {
    const matrix = new Float32Array([0, 0, 1, 0, 0, 1, 0, 0]);
    const u = principalDirection(matrix, 2, 4, (row) => (row === 3 ? 10 : row === 1 ? 1 : 0));
    expect(Math.abs(u[0])).toBeCloseTo(1, 6); // row 3 (1,0) outweighs row 1 (1,0)… and row 2 (0,1) has weight 0
    removeDirection(matrix, 2, u);
    expect(Array.from(matrix.subarray(0, 2))).toEqual([0, 0]);
  });
});
