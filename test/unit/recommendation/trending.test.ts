import { describe, expect, it } from 'vitest';
import { EngagementIndex } from '../../../src/recommendation/engagement-index.js';
import { asPopularityMass, DAY_MS, TRENDING_MAX_AGE_MS, TrendingPopularity, trendingCounts, trendingScores } from '../../../src/recommendation/trending.js';

const T = Date.UTC(2026, 0, 31);

describe('trending popularity', () => {
  it('halves an engagement per half-life of age and ignores engagement after the reference time', () => {
    const counts = trendingCounts(
      [
        { itemId: 'now', atMs: T },
        { itemId: 'week', atMs: T - 7 * DAY_MS },
        { itemId: 'fortnight', atMs: T - 14 * DAY_MS },
        { itemId: 'future', atMs: T + 1 },
      ],
      T,
      7 * DAY_MS,
    );
    expect(counts.get('now')).toBeCloseTo(1, 12);
    expect(counts.get('week')).toBeCloseTo(0.5, 12);
    expect(counts.get('fortnight')).toBeCloseTo(0.25, 12);
    expect(counts.has('future')).toBe(false);
    expect(() => trendingCounts([], T, 0)).toThrow(RangeError);
  });

  it('ranks a recent hit above an old one with more engagement, and the old one first at an earlier reference time', () => {
    const engagements = [
      ...Array.from({ length: 10 }, () => ({ itemId: 'old', atMs: T - 60 * DAY_MS })),
      ...Array.from({ length: 3 }, () => ({ itemId: 'new', atMs: T - DAY_MS })),
    ];
    expect(trendingScores(trendingCounts(engagements, T, 7 * DAY_MS)).map((s) => s.itemId)).toEqual(['new', 'old']);
    // A month earlier the new item did not exist yet: only what was known then counts.
    expect(trendingScores(trendingCounts(engagements, T - 30 * DAY_MS, 7 * DAY_MS)).map((s) => s.itemId)).toEqual(['old']);
    // A very long half-life is all-time popularity up to the reference time.
    expect(trendingScores(trendingCounts(engagements, T, 1e6 * DAY_MS)).map((s) => s.itemId)).toEqual(['old', 'new']);
  });

  it('rescales trending counts to the all-time total, keeping their proportions', () => {
    const scaled = asPopularityMass(new Map([['a', 1], ['b', 3]]), new Map([['a', 10], ['b', 10], ['c', 20]]));
    expect(scaled.get('a')).toBeCloseTo(10, 12);
    expect(scaled.get('b')).toBeCloseTo(30, 12);
    expect(asPopularityMass(new Map(), new Map([['a', 1]])).size).toBe(0);
  });

  it('reads first engagement times from the index, counts no flagged user, and caches until the index changes', () => {
    const index = EngagementIndex.build([
      { userId: 'u1', itemId: 'x', kind: 'LIKE', value: null, atMs: T - 2 * DAY_MS },
      { userId: 'u1', itemId: 'x', kind: 'RATING', value: 5, atMs: T - DAY_MS }, // the first engagement counts
      { userId: 'u2', itemId: 'x', kind: 'VIEW', value: null, at: new Date(T) },
      { userId: 'bot', itemId: 'y', kind: 'VIEW', value: null, atMs: T },
    ]);
    index.stopCounting(['bot']);
    let now = T;
    const trending = new TrendingPopularity(index, () => now);
    const first = trending.counts(T, DAY_MS);
    expect(first.get('x')).toBeCloseTo(0.25 + 1, 12);
    expect(first.has('y')).toBe(false);
    // Same reference time, unchanged index: the same answer object.
    expect(trending.counts(T, DAY_MS)).toBe(first);
    // A write within the max age is served from the cache; after it, recomputed.
    index.add([{ userId: 'u3', itemId: 'x', kind: 'VIEW', value: null, atMs: T }]);
    expect(trending.counts(T, DAY_MS)).toBe(first);
    now += TRENDING_MAX_AGE_MS + 1;
    expect(trending.counts(T, DAY_MS).get('x')).toBeCloseTo(2.25, 12);
    // An erasure is seen at once.
    index.removeUsers(['u3']);
    trending.invalidate();
    expect(trending.counts(T, DAY_MS).get('x')).toBeCloseTo(1.25, 12);
    // Another reference time is never served from the cache.
    expect(trending.counts(T - DAY_MS, DAY_MS).get('x')).toBeCloseTo(0.5, 12);
  });
});
