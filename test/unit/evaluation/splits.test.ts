import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../../../src/evaluation/bootstrap.js';
import type { MovieLensRating } from '../../../src/evaluation/movielens.js';
import { splitRatings, validationSplit } from '../../../src/evaluation/splits.js';

/** 50 users; user u rated 10 + u items, item t at day t. */
const ratings: MovieLensRating[] = Array.from({ length: 50 }, (_, u) =>
  Array.from({ length: 10 + u }, (_, t) => ({ userId: String(u + 1), itemId: String(t + 1), kind: 'RATING' as const, value: 4, at: new Date(t * 86_400_000) })),
).flat();

const key = (r: MovieLensRating) => `${r.userId}:${r.itemId}`;

describe('split protocols', () => {
  it('random and temporal hold out 20 % of every user, disjoint from training', () => {
    for (const protocol of ['random', 'temporal'] as const) {
      const split = splitRatings(ratings, protocol, 1);
      expect(split.train.length + split.test.length).toBe(ratings.length);
      const train = new Set(split.train.map(key));
      expect(split.test.some((r) => train.has(key(r)))).toBe(false);
      expect(split.test.filter((r) => r.userId === '41').length).toBe(10); // 50 ratings → 10
    }
  });

  it('temporal holds out each user\'s latest ratings', () => {
    const split = splitRatings(ratings, 'temporal', 1);
    const lastTrain = Math.max(...split.train.filter((r) => r.userId === '41').map((r) => r.at.getTime()));
    const firstTest = Math.min(...split.test.filter((r) => r.userId === '41').map((r) => r.at.getTime()));
    expect(lastTrain).toBeLessThan(firstTest);
  });

  it('cold start keeps the first 3 ratings of a seeded fifth of the users and scores only them', () => {
    const split = splitRatings(ratings, 'coldstart', 3);
    expect(split.scored!.size).toBe(10);
    for (const user of split.scored!) {
      const kept = split.train.filter((r) => r.userId === user).map((r) => r.itemId);
      expect(kept).toEqual(['1', '2', '3']);
    }
    expect(new Set(split.test.map((r) => r.userId))).toEqual(split.scored);
    expect(splitRatings(ratings, 'coldstart', 4).scored).not.toEqual(split.scored);
  });

  it('validation is carved from the training part only', () => {
    const split = splitRatings(ratings, 'random', 1);
    const validation = validationSplit(split.train, 'random', 1);
    const test = new Set(split.test.map(key));
    expect([...validation.train, ...validation.test].some((r) => test.has(key(r)))).toBe(false);
  });
});

describe('paired bootstrap', () => {
  it('excludes zero for a consistent difference and includes it for noise', () => {
    const a = Array.from({ length: 200 }, (_, i) => 0.3 + (i % 7) * 0.01);
    expect(pairedBootstrap(a, a.map((x) => x - 0.05)).significant).toBe(true);
    const noise = pairedBootstrap(a, a.map((x, i) => x + (i % 2 === 0 ? 0.05 : -0.05)));
    expect(noise.low).toBeLessThan(0);
    expect(noise.high).toBeGreaterThan(0);
  });
});
