import { describe, expect, it } from 'vitest';
import {
  averagePrecisionAtK,
  catalogueCoverage,
  MetricAccumulator,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  userMetrics,
} from '../../../src/evaluation/metrics.js';

const log2 = Math.log2;

describe('ranking metrics', () => {
  // ranked a b c d e, relevant {a, c, x}: hits at ranks 1 and 3; x is never recommended.
  const ranked = ['a', 'b', 'c', 'd', 'e'];
  const relevant = new Set(['a', 'c', 'x']);

  it('computes precision, recall, NDCG and AP at k = 5 by hand', () => {
    // precision@5 = 2 hits / 5 = 0.4
    expect(precisionAtK(ranked, relevant, 5)).toBeCloseTo(0.4, 12);
    // recall@5 = 2 hits / 3 relevant = 0.6667
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 3, 12);
    // DCG = 1/log2(2) + 1/log2(4) = 1 + 0.5 = 1.5
    // IDCG over min(5, 3) = 3 positions = 1 + 1/log2(3) + 1/log2(4) = 1 + 0.630930 + 0.5 = 2.130930
    // NDCG = 1.5 / 2.130930 = 0.703918
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(1.5 / (1 + 1 / log2(3) + 0.5), 12);
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(0.703918, 6);
    // AP@5 = (precision@1 + precision@3) / min(5, 3) = (1/1 + 2/3) / 3 = 0.5556
    expect(averagePrecisionAtK(ranked, relevant, 5)).toBeCloseTo((1 + 2 / 3) / 3, 12);
    expect(averagePrecisionAtK(ranked, relevant, 5)).toBeCloseTo(0.555556, 6);
  });

  it('looks at the first k entries only (k = 2)', () => {
    // top 2 = a b: one hit at rank 1.
    // precision@2 = 1/2; recall@2 = 1/3
    expect(precisionAtK(ranked, relevant, 2)).toBe(0.5);
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 3, 12);
    // DCG = 1; IDCG over min(2, 3) = 2 positions = 1 + 1/log2(3) = 1.630930; NDCG = 0.613147
    expect(ndcgAtK(ranked, relevant, 2)).toBeCloseTo(1 / (1 + 1 / log2(3)), 12);
    expect(ndcgAtK(ranked, relevant, 2)).toBeCloseTo(0.613147, 6);
    // AP@2 = precision@1 / min(2, 3) = 1 / 2
    expect(averagePrecisionAtK(ranked, relevant, 2)).toBe(0.5);
  });

  it('gives 1 for NDCG and AP when the top k are all relevant, even with more relevant items than k', () => {
    const many = new Set(['a', 'b', 'c', 'd']);
    // k = 2, ranked a b: both relevant; the ideal list also has 2 hits (min(2, 4)).
    expect(ndcgAtK(['a', 'b'], many, 2)).toBe(1);
    // AP@2 = (1/1 + 2/2) / min(2, 4) = 1
    expect(averagePrecisionAtK(['a', 'b'], many, 2)).toBe(1);
    // recall@2 = 2/4, precision@2 = 2/2
    expect(recallAtK(['a', 'b'], many, 2)).toBe(0.5);
    expect(precisionAtK(['a', 'b'], many, 2)).toBe(1);
  });

  it('charges a short list as missing positions in precision only', () => {
    // ranked x a c at k = 10: 3 hits out of 10 positions, all 3 relevant found, in the ideal order.
    const m = userMetrics(['x', 'a', 'c'], relevant, 10);
    expect(m).toEqual({ precision: 0.3, recall: 1, ndcg: 1, averagePrecision: 1 });
  });

  it('counts an item listed twice once', () => {
    // ranked a a a, relevant {a}: one hit at rank 1; ranks 2 and 3 are repeats.
    // precision@3 = 1/3; NDCG = 1/1; AP = (1/1) / min(3, 1) = 1
    expect(userMetrics(['a', 'a', 'a'], new Set(['a']), 3)).toEqual({ precision: 1 / 3, recall: 1, ndcg: 1, averagePrecision: 1 });
  });

  it('gives 0 without hits or without relevant items, and rejects a bad k', () => {
    expect(userMetrics(['b', 'd'], relevant, 2)).toEqual({ precision: 0, recall: 0, ndcg: 0, averagePrecision: 0 });
    expect(userMetrics(['a'], new Set(), 5)).toEqual({ precision: 0, recall: 0, ndcg: 0, averagePrecision: 0 });
    expect(userMetrics([], relevant, 5)).toEqual({ precision: 0, recall: 0, ndcg: 0, averagePrecision: 0 });
    expect(() => precisionAtK(ranked, relevant, 0)).toThrow(RangeError);
    expect(() => ndcgAtK(ranked, relevant, 1.5)).toThrow(RangeError);
  });

  it('computes catalogue coverage over the top k of every list', () => {
    // distinct {a, b, c} of 10 items = 0.3; top 1 only: {a, b} = 0.2
    expect(catalogueCoverage([['a', 'b'], ['b', 'c']], 10)).toBeCloseTo(0.3, 12);
    expect(catalogueCoverage([['a', 'b'], ['b', 'c']], 10, 1)).toBeCloseTo(0.2, 12);
    expect(catalogueCoverage([], 10)).toBe(0);
    expect(catalogueCoverage([['a']], 0)).toBe(0);
  });
});

describe('MetricAccumulator', () => {
  it('macro-averages users and counts distinct items for coverage', () => {
    const acc = new MetricAccumulator(2, 8);
    // user 1: ranked a b, relevant {a}: P = 1/2, R = 1, NDCG = 1, AP = 1
    acc.add(['a', 'b'], new Set(['a']), 4);
    // user 2: ranked c a, relevant {a, d}: hit at rank 2.
    // P = 1/2, R = 1/2, DCG = 1/log2(3) = 0.630930, IDCG = 1 + 0.630930, NDCG = 0.386853, AP = (1/2) / 2 = 0.25
    acc.add(['c', 'a', 'z'], new Set(['a', 'd']), 2);
    const s = acc.summary();
    expect(s.users).toBe(2);
    expect(s.precision).toBeCloseTo(0.5, 12);
    expect(s.recall).toBeCloseTo(0.75, 12);
    expect(s.ndcg).toBeCloseTo((1 + 1 / log2(3) / (1 + 1 / log2(3))) / 2, 12);
    expect(s.map).toBeCloseTo((1 + 0.25) / 2, 12);
    // distinct items in the top 2 lists: a, b, c (z is 3rd) → 3 / 8
    expect(s.distinctItems).toBe(3);
    expect(s.coverage).toBeCloseTo(3 / 8, 12);
    expect(s.msPerUser).toBe(3);
  });

  it('summarises no users as zeros', () => {
    expect(new MetricAccumulator(10, 5).summary()).toMatchObject({ users: 0, precision: 0, ndcg: 0, coverage: 0, msPerUser: 0 });
  });
});
