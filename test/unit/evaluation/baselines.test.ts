import { describe, expect, it } from 'vitest';
import { PopularityRanker, RandomRanker, UserKnnRanker, type Rating } from '../../../src/evaluation/baselines.js';

const r = (userId: string, itemId: string, value: number): Rating => ({ userId, itemId, value });

function history(ratings: Rating[]): Map<string, Set<string>> {
  const h = new Map<string, Set<string>>();
  for (const x of ratings) h.set(x.userId, (h.get(x.userId) ?? new Set()).add(x.itemId));
  return h;
}

describe('PopularityRanker', () => {
  // Item 1: 3 ratings (one of them a 2); item 2: 2 ratings, both low; item 3: 2 ratings ≥ 4; item 10: 1; item 4: none.
  const ratings = [
    r('u1', '1', 5), r('u2', '1', 4), r('u3', '1', 2),
    r('u1', '2', 1), r('u2', '2', 2),
    r('u3', '3', 5), r('u4', '3', 4),
    r('u4', '10', 5),
  ];
  const catalogue = ['1', '2', '3', '4', '10'];

  it('ranks by number of training ratings, ties by numeric id, leaving out what the user rated', () => {
    const ranker = new PopularityRanker(ratings, history(ratings), catalogue);
    // counts: 1 → 3, 2 → 2, 3 → 2, 10 → 1, 4 → 0
    expect(ranker.rank('nobody', 10)).toEqual(['1', '2', '3', '10', '4']);
    // u1 rated 1 and 2
    expect(ranker.rank('u1', 2)).toEqual(['3', '10']);
    expect(ranker.name).toBe('popularity');
  });

  it('can count only positive ratings', () => {
    const ranker = new PopularityRanker(ratings, history(ratings), catalogue, { minRating: 4 });
    // counts of ratings ≥ 4: 1 → 2, 3 → 2, 10 → 1, 2 → 0, 4 → 0 (ties by id)
    expect(ranker.rank('nobody', 10)).toEqual(['1', '3', '10', '2', '4']);
    expect(ranker.counts.get('2')).toBe(0);
  });
});

describe('RandomRanker', () => {
  const catalogue = Array.from({ length: 30 }, (_, i) => String(i + 1));
  const seen = new Map([['u1', new Set(['1', '2', '3'])]]);

  it('returns k distinct unseen items, the same for the same seed and user', () => {
    const a = new RandomRanker(catalogue, seen, 7).rank('u1', 10);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(a.some((id) => seen.get('u1')!.has(id))).toBe(false);
    expect(new RandomRanker(catalogue, seen, 7).rank('u1', 10)).toEqual(a);
    // A user's list does not depend on who else was ranked before.
    const other = new RandomRanker(catalogue, seen, 7);
    other.rank('u2', 10);
    expect(other.rank('u1', 10)).toEqual(a);
    expect(new RandomRanker(catalogue, seen, 8).rank('u1', 10)).not.toEqual(a);
  });

  it('returns every unseen item when fewer than k remain', () => {
    const small = new RandomRanker(['1', '2', '3', '4'], seen, 1).rank('u1', 10);
    expect(small).toEqual(['4']);
  });
});

describe('UserKnnRanker', () => {
  // u1 {a, b, c}, u2 {a, b, d}, u3 {c, e}, u4 {f}
  // cosine(u1, u2) = |{a, b}| / sqrt(3 · 3) = 2/3; cosine(u1, u3) = |{c}| / sqrt(3 · 2) = 0.408248; cosine(u1, u4) = 0
  const ratings = [
    r('u1', 'a', 5), r('u1', 'b', 3), r('u1', 'c', 1),
    r('u2', 'a', 4), r('u2', 'b', 4), r('u2', 'd', 2),
    r('u3', 'c', 5), r('u3', 'e', 5),
    r('u4', 'f', 5),
  ];

  it('scores unseen items by the summed similarity of the neighbours who rated them', () => {
    // d: 2/3 (u2), e: 0.408 (u3); f has no similar rater; a, b, c are u1's own.
    expect(new UserKnnRanker(ratings).rank('u1', 10)).toEqual(['d', 'e']);
    // With one neighbour only u2 counts.
    expect(new UserKnnRanker(ratings, { neighbours: 1 }).rank('u1', 10)).toEqual(['d']);
    expect(new UserKnnRanker(ratings).name).toBe('user-kNN (50 neighbours)');
  });

  it('adds up neighbours who agree, and knows nothing of unknown users', () => {
    // For u3 {c, e}: cosine(u3, u1) = 1/sqrt(6) = 0.408, cosine(u3, u2) = 0: a and b score 0.408 each (tie by id).
    expect(new UserKnnRanker(ratings).rank('u3', 10)).toEqual(['a', 'b']);
    // A fifth user {a, d}: cosine with u2 = 2/sqrt(6) = 0.816 → b gets 0.816 + cosine with u1 (1/sqrt(6) = 0.408) = 1.225; c 0.408.
    const more = [...ratings, r('u5', 'a', 5), r('u5', 'd', 5)];
    expect(new UserKnnRanker(more).rank('u5', 2)).toEqual(['b', 'c']);
    expect(new UserKnnRanker(ratings).rank('stranger', 10)).toEqual([]);
  });
});
