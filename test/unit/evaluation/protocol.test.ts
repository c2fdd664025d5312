import { describe, expect, it } from 'vitest';
import type { MovieLensData, MovieLensRating } from '../../../src/evaluation/movielens.js';
import { buildEvaluationSet, evaluateRecommender } from '../../../src/evaluation/protocol.js';
import { formatTable } from '../../../src/evaluation/report.js';

const rating = (userId: string, itemId: string, value: number): MovieLensRating => ({
  userId,
  itemId,
  kind: 'RATING',
  value,
  at: new Date(0),
});

// Three users, five items. Held out: user 1 liked 4; user 2 liked nothing (rated 3); user 3 liked 4 and 5.
const data: MovieLensData = {
  dir: '/synthetic',
  genres: [],
  users: ['1', '2', '3'].map((id) => ({ id, attributes: { age: 30, gender: 'F', occupation: 'other' } })),
  items: ['1', '2', '3', '4', '5'].map((id) => ({ id, title: `Item ${id}`, description: '', tags: [], attributes: { year: null } })),
  base: [rating('1', '1', 5), rating('1', '2', 4), rating('2', '1', 3), rating('3', '3', 5)],
  test: [rating('1', '4', 4), rating('2', '5', 3), rating('3', '4', 5), rating('3', '5', 4)],
};

describe('buildEvaluationSet', () => {
  it('keeps users with a held-out rating ≥ 4, optionally only the first N', () => {
    const set = buildEvaluationSet(data);
    expect(set.users).toEqual(['1', '3']);
    expect(set.eligibleUsers).toBe(2);
    expect(set.catalogue).toEqual(['1', '2', '3', '4', '5']);
    expect([...set.history.get('1')!]).toEqual(['1', '2']);
    const first = buildEvaluationSet(data, { maxUsers: 1 });
    expect(first.users).toEqual(['1']);
    expect(first.eligibleUsers).toBe(2);
  });
});

describe('evaluateRecommender', () => {
  const set = buildEvaluationSet(data);

  it('scores each user, drops items from the training history and counts short lists', async () => {
    const progress: number[] = [];
    // Returns item 1 first: user 1 rated it in training, so it is dropped and counted.
    const row = await evaluateRecommender('fixed', 'service', () => ['1', '4', '5'], set, 2, (done) => progress.push(done));
    expect(progress).toEqual([1, 2]);
    // user 1: [4, 5] after dropping 1 → hit at rank 1 of relevant {4}: P 1/2, R 1, NDCG 1, AP 1
    // user 3: [1, 4] (1 is not in user 3's history) → hit at rank 2 of {4, 5}: P 1/2, R 1/2,
    //         NDCG = (1/log2(3)) / (1 + 1/log2(3)) = 0.386853, AP = (1/2) / min(2, 2) = 0.25
    expect(row.seenReturned).toBe(1);
    expect(row.shortLists).toBe(0);
    expect(row.precision).toBeCloseTo(0.5, 12);
    expect(row.recall).toBeCloseTo(0.75, 12);
    expect(row.ndcg).toBeCloseTo((1 + 1 / Math.log2(3) / (1 + 1 / Math.log2(3))) / 2, 12);
    expect(row.map).toBeCloseTo((1 + 0.25) / 2, 12);
    // distinct items in the scored lists: 4, 5, 1 → 3 of 5
    expect(row.coverage).toBeCloseTo(0.6, 12);
    expect(row.failures).toBe(0);
  });

  it('scores a failed call as an empty list and keeps the first error', async () => {
    const row = await evaluateRecommender(
      'flaky',
      'service',
      async (userId) => {
        if (userId === '3') throw new Error('boom');
        return ['4'];
      },
      set,
      10,
    );
    expect(row.failures).toBe(1);
    expect(row.firstError).toBe('user 3: boom');
    expect(row.shortLists).toBe(2);
    // user 1 found its only relevant item at rank 1; user 3 scores 0.
    expect(row.ndcg).toBeCloseTo(0.5, 12);
    expect(row.precision).toBeCloseTo(0.05, 12);
  });

  it('prints one aligned table', async () => {
    const row = await evaluateRecommender('popularity', 'baseline', () => ['4', '5'], set, 10);
    const table = formatTable([row], 10).split('\n');
    expect(table[0]).toMatch(/^recommender\s+P@10\s+R@10\s+NDCG@10\s+MAP@10\s+coverage\s+ms\/user$/);
    expect(table[2]).toMatch(/^popularity \(baseline\)\s+0\.1500\s+1\.0000\s+/);
    expect(new Set(table.slice(0, 3).map((l) => l.length)).size).toBe(1);
  });
});
