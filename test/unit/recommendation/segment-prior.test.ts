import { describe, expect, it } from 'vitest';
import { EngagementIndex, type EngagementRow } from '../../../src/recommendation/engagement-index.js';
import { segmentPosterior, segmentPriorScores, segmentProfiles, shrunkShare, type SegmentProfile } from '../../../src/recommendation/segment-prior.js';
import { segmentPriorReason } from '../../../src/recommendation/reasons.js';

const like = (userId: string, itemId: string): EngagementRow => ({ userId, itemId, kind: 'LIKE', value: null });

/**
 * Two tastes: "space" members (s0..s5) like rocket and moon, "food" members (f0..f5) like
 * soup and bread; everyone likes the blockbuster. One food member dislikes the rocket.
 */
function world(): { index: EngagementIndex; profiles: SegmentProfile[] } {
  const rows: EngagementRow[] = [];
  for (let i = 0; i < 6; i++) rows.push(like(`s${i}`, 'rocket'), like(`s${i}`, 'moon'), like(`s${i}`, 'blockbuster'));
  for (let i = 0; i < 6; i++) rows.push(like(`f${i}`, 'soup'), like(`f${i}`, 'bread'), like(`f${i}`, 'blockbuster'));
  rows.push({ userId: 'f0', itemId: 'rocket', kind: 'RATING', value: 1 });
  const index = EngagementIndex.build(rows);
  const profiles = segmentProfiles(index, [
    { segmentId: 'space', memberIds: ['s0', 's1', 's2', 's3', 's4', 's5'] },
    { segmentId: 'food', memberIds: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'no-engagement'] },
  ]);
  return { index, profiles };
}

const overallOf = (index: EngagementIndex) => ({ popularity: index.popularity, population: index.countedUserCount() });

describe('segment prior', () => {
  it('counts members who engaged (dislikes are no votes; members without engagement count in the size)', () => {
    const { profiles } = world();
    const [space, food] = profiles;
    expect(space!.size).toBe(6);
    expect(Object.fromEntries(space!.counts)).toEqual({ rocket: 6, moon: 6, blockbuster: 6 });
    expect(food!.size).toBe(7);
    expect(food!.counts.get('rocket')).toBeUndefined();
  });

  it('leaves automated-looking members out of counts and sizes', () => {
    const { index } = world();
    index.stopCounting(['s0', 's1']);
    const [space] = segmentProfiles(index, [{ segmentId: 'space', memberIds: ['s0', 's1', 's2', 's3', 's4', 's5'] }]);
    expect(space!.size).toBe(4);
    expect(space!.counts.get('rocket')).toBe(4);
  });

  it('shrinks a segment share toward the overall share by m pseudo-members (a Bayesian average)', () => {
    expect(shrunkShare(3, 3, 0.1, 0)).toBe(1);
    expect(shrunkShare(3, 3, 0.1, 3)).toBeCloseTo((3 + 0.3) / 6, 12);
    // A large segment keeps its own share; a tiny one is pulled almost to the overall share.
    expect(shrunkShare(500, 1000, 0.1, 20)).toBeCloseTo(0.492, 3);
    expect(shrunkShare(1, 1, 0.1, 20)).toBeCloseTo(0.143, 3);
    expect(shrunkShare(0, 0, 0.1, 0)).toBe(0.1);
  });

  it('places a user softly by what they engaged with, not by size alone', () => {
    const { index, profiles } = world();
    const posterior = segmentPosterior(profiles, ['moon'], overallOf(index), { smoothing: 0.5 });
    expect(posterior[0]!.segmentId).toBe('space');
    expect(posterior[0]!.weight).toBeGreaterThan(0.9);
    expect(posterior.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(1, 12);
    // An item both segments engage with equally leaves the sizes to decide: close to 6 : 7.
    const both = segmentPosterior(profiles, ['blockbuster'], overallOf(index), { smoothing: 2 });
    const food = both.find((w) => w.segmentId === 'food')!.weight;
    expect(food).toBeGreaterThan(0.45);
    expect(food).toBeLessThan(0.6);
    expect(segmentPosterior(profiles, [], overallOf(index), { smoothing: 2 })).toEqual([]);
    expect(segmentPosterior([], ['moon'], overallOf(index), { smoothing: 2 })).toEqual([]);
  });

  it("takes the user's own votes out of their segment before comparing", () => {
    // A lone space fan recorded in "food": counted there, food would look like it likes the moon.
    const { index } = world();
    index.add([like('odd', 'moon'), like('odd', 'rocket')]);
    const profiles = segmentProfiles(index, [
      { segmentId: 'space', memberIds: ['s0', 's1'] },
      { segmentId: 'food', memberIds: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'odd'] },
    ]);
    const items = new Set(['moon', 'rocket']);
    const withSelf = segmentPosterior(profiles, items, overallOf(index), { smoothing: 0.5 });
    const without = segmentPosterior(profiles, items, overallOf(index), { smoothing: 0.5, own: { segmentId: 'food', items } });
    const foodWeight = (ws: typeof without) => ws.find((w) => w.segmentId === 'food')?.weight ?? 0;
    expect(foodWeight(without)).toBeLessThan(foodWeight(withSelf));
    expect(without[0]!.segmentId).toBe('space');
  });

  it("mixes the segments' shrunk shares by the posterior, naming the segment that adds most", () => {
    const { index, profiles } = world();
    const overall = overallOf(index);
    const scores = segmentPriorScores(profiles, [{ segmentId: 'food', weight: 0.8 }, { segmentId: 'space', weight: 0.2 }], overall, 2);
    const byId = new Map(scores.map((s) => [s.itemId, s]));
    // Everyone's blockbuster first, then the likelier segment's items, then the other's.
    expect(scores.map((s) => s.itemId).slice(0, 3)).toEqual(['blockbuster', 'bread', 'soup']);
    expect(scores.map((s) => s.itemId).slice(3).sort()).toEqual(['moon', 'rocket']);
    const share = (members: number, size: number, item: string) => shrunkShare(members, size, overall.popularity.get(item)! / overall.population, 2);
    expect(byId.get('soup')!.score).toBeCloseTo(0.8 * share(6, 7, 'soup') + 0.2 * share(0, 6, 'soup'), 12);
    expect(byId.get('soup')).toMatchObject({ segmentId: 'food', members: 6, size: 7 });
    expect(byId.get('moon')).toMatchObject({ segmentId: 'space', members: 6, size: 6 });
    // One segment with all the weight: its own (shrunk) popularity order.
    const spaceOnly = segmentPriorScores(profiles, [{ segmentId: 'space', weight: 1 }], overall, 2);
    // Moon and rocket tie in the segment; the shrinkage toward overall popularity (the rocket
    // was also rated, badly, by a food member) breaks the tie.
    expect(spaceOnly.map((s) => s.itemId)).toEqual(['blockbuster', 'rocket', 'moon']);
  });

  it('gives a reason naming the segment and its counts', () => {
    expect(segmentPriorReason({ label: 'space · rocket', members: 6, size: 7, yours: true })).toBe(
      "popular with 'space · rocket', your segment (6 of its 7 members engaged with it)",
    );
    expect(segmentPriorReason({ label: 'food', members: 1, size: 1, yours: false })).toBe(
      "popular with 'food', a segment whose members engage as you do (1 of its 1 member engaged with it)",
    );
  });
});
