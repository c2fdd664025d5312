import { describe, expect, it } from 'vitest';
import { compareMemberships } from '../../../src/segmentation/stability.js';
import { topItemsPerCluster } from '../../../src/segmentation/top-items.js';
import { computeTraits } from '../../../src/segmentation/traits.js';

describe('computeTraits', () => {
  const rows = [
    { country: 'DE', age: 20 },
    { country: 'DE', age: 22 },
    { country: 'FR', age: 60 },
    { country: 'FR', age: 64 },
  ];
  const assignments = Int32Array.from([0, 0, 1, 1]);

  it('gives each cluster its value shares and lift against everyone', () => {
    const [first] = computeTraits(rows, assignments, 2);
    const country = first!.find((t) => t.attribute === 'country')!;
    expect(country.values).toEqual([{ value: 'DE', count: 2, share: 1, overallShare: 0.5, lift: 2 }]);
    expect(country.distinctiveness).toBe(0.5);
    expect(country.mean).toBeNull();
  });

  it('reports means for numeric attributes', () => {
    const traits = computeTraits(rows, assignments, 2);
    const age = traits[1]!.find((t) => t.attribute === 'age')!;
    expect(age.mean).toBe(62);
    expect(age.overallMean).toBe(41.5);
  });

  it('skips identifier-like attributes and counts list values separately', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ email: `u${i}@x.org`, hobbies: i % 2 ? ['chess', 'go'] : ['chess'] }));
    const [only] = computeTraits(many, new Int32Array(60), 1);
    expect(only!.map((t) => t.attribute)).toEqual(['hobbies']);
    const chess = only![0]!.values.find((v) => v.value === 'chess')!;
    expect(chess.share).toBe(1);
  });
});

describe('topItemsPerCluster', () => {
  it('ranks items by share times lift, with a minimum number of members', () => {
    const engaged = [['a', 'pop'], ['a', 'pop'], ['b', 'pop'], ['pop'], ['b'], ['b', 'c']];
    const [first, second] = topItemsPerCluster(engaged, Int32Array.from([0, 0, 0, 1, 1, 1]), 2, 10, 2);
    // pop: share 1 x lift 1.5 = 1.5 beats a: share 2/3 x lift 2 = 1.33.
    expect(first!.map((i) => i.itemId)).toEqual(['pop', 'a']);
    expect(first![1]).toEqual({ itemId: 'a', members: 2, share: 2 / 3, overallShare: 2 / 6, lift: 2 });
    expect(second!.map((i) => i.itemId)).toEqual(['b']);
  });
});

describe('compareMemberships', () => {
  it('scores identical partitions 1 with no moves, whatever the numbering', () => {
    const result = compareMemberships('old', Int32Array.from([0, 0, 1, 1, -1]), Int32Array.from([5, 5, 2, 2, 2]));
    expect(result).toEqual({ previousRunId: 'old', sharedUsers: 4, adjustedRandIndex: 1, movedUsers: 0 });
  });

  it('counts users who left the majority of their old segment', () => {
    const result = compareMemberships('old', Int32Array.from([0, 0, 0, 1, 1, 1]), Int32Array.from([0, 0, 1, 1, 1, 1]))!;
    expect(result.movedUsers).toBe(1);
    expect(result.adjustedRandIndex).toBeLessThan(1);
  });

  it('is null when no user is shared', () => {
    expect(compareMemberships('old', Int32Array.from([-1, -1]), Int32Array.from([0, 1]))).toBeNull();
  });
});
