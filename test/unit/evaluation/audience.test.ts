import { describe, expect, it } from 'vitest';
import { activityRanker, buildAudienceSet, evaluateAudience } from '../../../src/evaluation/audience.js';
import type { MovieLensRating } from '../../../src/evaluation/movielens.js';

const rating = (userId: string, itemId: string, value: number): MovieLensRating => ({ userId, itemId, kind: 'RATING', value, at: new Date(0) });

// u1 rates much, u2 some, u3 little; item "10" is liked in the held-out part by u2 and u3 (u1 rated it in training).
const train = [rating('1', '10', 5), rating('1', '11', 4), rating('1', '12', 3), rating('2', '11', 5), rating('2', '12', 2), rating('3', '12', 4)];
const test = [rating('2', '10', 4), rating('3', '10', 5), rating('3', '11', 2), rating('1', '13', 3)];

describe('audience evaluation', () => {
  it('keeps items with held-out ratings ≥ 4 and their raters, never those who rated the item in training', () => {
    const set = buildAudienceSet(train, [...test, rating('1', '10', 5)], ['1', '2', '3'], { maxItems: 10, seed: 1, k: 2 });
    expect(set.items).toEqual(['10']);
    expect([...set.relevant.get('10')!]).toEqual(['2', '3']);
    expect(set.activity.get('1')).toBe(3);
    expect(set.eligibleItems).toBe(1);
  });

  it('samples items with a seed', () => {
    const many = Array.from({ length: 50 }, (_, i) => rating('9', String(100 + i), 5));
    const a = buildAudienceSet(train, many, ['9'], { maxItems: 5, seed: 3 });
    const b = buildAudienceSet(train, many, ['9'], { maxItems: 5, seed: 3 });
    expect(a.items).toHaveLength(5);
    expect(a.items).toEqual(b.items);
    expect(a.eligibleItems).toBe(50);
  });

  it('ranks by activity without the item\'s raters, and scores recall@k; users who rated the item are dropped and counted', async () => {
    const set = buildAudienceSet(train, test, ['1', '2', '3'], { maxItems: 10, seed: 1, k: 1 });
    const activity = activityRanker(set);
    expect(activity('10', 2)).toEqual(['2', '3']);
    const row = await evaluateAudience('activity', activity, set);
    expect(row.recall).toBe(0.5); // u2 of {u2, u3} in the first 1
    const cheat = await evaluateAudience('returns a rater', () => ['1', '3'], set);
    expect(cheat.ratersReturned).toBe(1);
    expect(cheat.recall).toBe(0.5);
    const failing = await evaluateAudience('fails', () => Promise.reject(new Error('boom')), set);
    expect(failing).toMatchObject({ failures: 1, recall: 0, firstError: 'item 10: boom' });
  });
});
