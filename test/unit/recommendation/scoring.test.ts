import { describe, expect, it } from 'vitest';
import { affinityWeight, EngagementIndex, engagementWeight } from '../../../src/recommendation/engagement-index.js';
import { itemSetCosine, neighbourScores, popularScores, reciprocalRankFusion, segmentPopularScores } from '../../../src/recommendation/scoring.js';

const rows = [
  { userId: 'a', itemId: 'x', kind: 'RATING' as const, value: 5 },
  { userId: 'a', itemId: 'y', kind: 'RATING' as const, value: 4 },
  { userId: 'a', itemId: 'z', kind: 'RATING' as const, value: 1 },
  { userId: 'b', itemId: 'x', kind: 'LIKE' as const, value: null },
  { userId: 'b', itemId: 'w', kind: 'VIEW' as const, value: null },
  { userId: 'c', itemId: 'y', kind: 'PURCHASE' as const, value: 2 },
  { userId: 'c', itemId: 'z', kind: 'RATING' as const, value: 3 },
];

describe('engagement index', () => {
  const index = EngagementIndex.build(rows);

  it('weighs interactions by kind and rating', () => {
    expect(engagementWeight('RATING', 5)).toBe(1);
    expect(engagementWeight('RATING', 4)).toBe(0.5);
    expect(engagementWeight('RATING', 3)).toBe(0);
    expect(engagementWeight('RATING', 1)).toBe(-1);
    expect(engagementWeight('VIEW', null)).toBe(0.25);
    expect(affinityWeight('RATING', 4)).toBe(0.8);
    expect(affinityWeight('VIEW', null)).toBe(0.3);
  });

  it('keeps seen, liked and disliked items per user and counts popularity', () => {
    const a = index.user('a');
    expect([...a.seen].sort()).toEqual(['x', 'y', 'z']);
    expect(Object.fromEntries(a.positive)).toEqual({ x: 1, y: 0.5 });
    expect([...a.negative]).toEqual(['z']);
    expect(index.user('c').positive.has('z')).toBe(false);
    expect(Object.fromEntries(a.affinity)).toEqual({ x: 1, y: 0.8 });
    expect(Object.fromEntries(index.user('b').kinds)).toEqual({ x: 'LIKE', w: 'VIEW' });
    expect(Object.fromEntries(index.popularity)).toEqual({ x: 2, y: 2, z: 2, w: 1 });
    expect(index.user('nobody').seen.size).toBe(0);
  });

  it('ranks popular items by users who engaged at all, ties by id', () => {
    expect(popularScores(index).map((s) => [s.itemId, s.score])).toEqual([['x', 2], ['y', 2], ['z', 2], ['w', 1]]);
  });

  it('scores a segment by share x lift^beta', () => {
    // Segment {a}: x, y and z each have share 1; overall 2 of 3 users -> lift 1.5.
    const scores = segmentPopularScores(index, ['a'], 0.5);
    // z is left out: a rated it 1, and a dislike is no vote.
    expect(scores.map((s) => s.itemId)).toEqual(['x', 'y']);
    expect(scores[0]).toMatchObject({ members: 1, share: 1, lift: 1.5 });
    expect(scores[0]!.score).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(segmentPopularScores(index, ['a'], 0)[0]!.score).toBe(1);
  });

  it('sums neighbour weight x affinity (dislikes left out), counting 5-star supporters', () => {
    const scores = neighbourScores(index, [
      { userId: 'a', weight: 0.5 },
      { userId: 'b', weight: 1 },
    ]);
    // Affinity: a x 5/5 = 1, y 4/5 = 0.8 (z disliked); b x LIKE 1, w VIEW 0.3.
    // x: 0.5*1 + 1*1 = 1.5; y: 0.5*0.8 = 0.4; w: 1*0.3 = 0.3.
    expect(scores.map((s) => [s.itemId, s.score])).toEqual([['x', 1.5], ['y', 0.4], ['w', 0.3]]);
    expect(scores[0]).toMatchObject({ supporters: 2, fiveStars: 1 });
  });

  it('computes the cosine of liked-item sets', () => {
    expect(itemSetCosine(index.user('a').affinity, index.user('b').affinity)).toBeCloseTo(1 / Math.sqrt(4), 12);
    expect(itemSetCosine(index.user('a').positive, new Map())).toBe(0);
  });
});

describe('reciprocalRankFusion', () => {
  it('adds weight / (k + rank) across lists and records each contribution', () => {
    const fused = reciprocalRankFusion(
      [
        { name: 'A', weight: 1, items: ['p', 'q'] },
        { name: 'B', weight: 2, items: ['q'] },
        { name: 'C', weight: 0, items: ['r'] },
      ],
      60,
    );
    expect(fused.map((f) => f.itemId)).toEqual(['q', 'p']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 2 / 61, 12);
    expect(fused[0]!.contributions.get('B')).toBeCloseTo(2 / 61, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 61, 12);
  });
});
