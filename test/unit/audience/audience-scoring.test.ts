import { describe, expect, it } from 'vitest';
import { activityScore, EVIDENCE, fuseEvidence, historyScores, recallAt, segmentLifts, type AudienceWeights, type EvidenceArrays } from '../../../src/audience/audience-scoring.js';
import { buildCollaborativeParts, CollaborativeModel, type CollaborativeOptions } from '../../../src/recommendation/collaborative-model.js';
import { jobFromIndex } from '../../../src/recommendation/collaborative-refresher.js';
import { EngagementIndex } from '../../../src/recommendation/engagement-index.js';

const evidence = (values: Partial<Record<keyof EvidenceArrays, number[]>>, n: number): EvidenceArrays =>
  Object.fromEntries(EVIDENCE.map((e) => [e, Float64Array.from(values[e] ?? new Array<number>(n).fill(0))])) as EvidenceArrays;
const weights = (w: Partial<AudienceWeights>): AudienceWeights => ({ COLLABORATIVE: 0, SIMILARITY: 0, SEGMENT: 0, ACTIVITY: 0, ...w });

describe('fuseEvidence', () => {
  it('normalises each evidence by its best value, so weights compare kinds of evidence, not scales', () => {
    // Collaborative scores are tiny, similarities near 1: with equal weights both count the same.
    const e = evidence({ COLLABORATIVE: [0.002, 0.001, 0], SIMILARITY: [0, 0.9, 1] }, 3);
    const fused = fuseEvidence(e, weights({ COLLABORATIVE: 1, SIMILARITY: 1 }), 10, ['a', 'b', 'c']);
    expect(fused.map((f) => f.index)).toEqual([1, 0, 2]);
    expect(fused[0]!.score).toBeCloseTo(0.5 + 0.9, 10); // b: 0.001/0.002 + 0.9/1
    expect(fused[1]!.score).toBeCloseTo(1, 10); // a and c tie at 1: ties by id
    expect(fused[2]!.score).toBeCloseTo(1, 10);
  });

  it('names the evidence that added most and reports each contribution', () => {
    const e = evidence({ COLLABORATIVE: [1, 0.1], SEGMENT: [0.5, 2] }, 2);
    const [first, second] = fuseEvidence(e, weights({ COLLABORATIVE: 1, SEGMENT: 0.5 }), 10, ['a', 'b']);
    expect(first!.index).toBe(0);
    expect(first!.main).toBe('COLLABORATIVE');
    expect(Array.from(first!.contributions)).toEqual([1, 0, 0.125, 0]);
    expect(second!.main).toBe('SEGMENT');
    expect(second!.score).toBeCloseTo(0.1 + 0.5, 10);
  });

  it('ignores evidence with weight 0, negative values and candidates with no score; keeps the first n', () => {
    const e = evidence({ COLLABORATIVE: [-1, 0, 3, 2], ACTIVITY: [5, 5, 0, 0] }, 4);
    const fused = fuseEvidence(e, weights({ COLLABORATIVE: 1 }), 1, ['a', 'b', 'c', 'd']);
    expect(fused.map((f) => f.index)).toEqual([2]);
    expect(fuseEvidence(e, weights({}), 10, ['a', 'b', 'c', 'd'])).toEqual([]);
  });
});

describe('historyScores', () => {
  it('sums the weight into the targets over each history and names the item that added most', () => {
    // Items 0..2; user 0 saw 0 and 1, user 1 saw 2, user 2 saw nothing.
    const histories = { offsets: Int32Array.from([0, 2, 3, 3]), items: Int32Array.from([0, 1, 2]) };
    const result = historyScores(histories, Float64Array.from([0.25, 0.5, -0.1]));
    expect(Array.from(result.scores)).toEqual([0.75, -0.1, 0]);
    expect(Array.from(result.because)).toEqual([1, -1, -1]);
    expect(result.contribution[0]).toBe(0.5);
  });

  for (const method of ['EASE', 'RP3BETA'] as const) {
    it(`read by column, ${method} gives every user the score the model gives the item for that user`, () => {
      const users = [['a', 'b', 'c'], ['a', 'b'], ['b', 'c', 'x'], ['x', 'y'], ['x', 'y', 'a'], ['c']];
      const rows = users.flatMap((items, u) => items.map((itemId) => ({ userId: `u${u}`, itemId, kind: 'LIKE' as const, value: null })));
      const options: CollaborativeOptions = { easeMaxItems: method === 'EASE' ? 100 : 2, easeLambda: 1, graphNeighbours: 10, rp3Alpha: 1, rp3Beta: 0.5, contentNeighbours: 10 };
      const model = CollaborativeModel.fromParts(buildCollaborativeParts(jobFromIndex(EngagementIndex.build(rows), options)));
      expect(model.method).toBe(method);
      const itemIds = ['a', 'b', 'c', 'x', 'y'];
      for (const target of ['a', 'y']) {
        const column = model.weightsInto(new Set([target]));
        const items = users.flatMap((h) => h.map((id) => itemIds.indexOf(id)));
        const offsets = [0];
        for (const h of users) offsets.push(offsets.at(-1)! + h.length);
        const { scores } = historyScores({ offsets: Int32Array.from(offsets), items: Int32Array.from(items) }, Float64Array.from(itemIds, (id) => column.get(id) ?? 0));
        users.forEach((history, u) => {
          const expected = model.score(history, 100).find((s) => s.itemId === target)?.score ?? 0;
          // score() keeps positive scores only.
          expect(Math.max(0, scores[u]!), `${target} for u${u}`).toBeCloseTo(expected, 5);
        });
      }
    });
  }

  it('with graded engagement (ratings), read by column still gives every user the score the model gives the item', () => {
    const users = [[['a', 5], ['b', 2], ['c', 4]], [['a', 3], ['b', 5]], [['b', 1], ['c', 5], ['x', 4]], [['x', 5], ['y', 3]], [['x', 2], ['y', 5], ['a', 4]], [['c', 3]]] as const;
    const rows = users.flatMap((h, u) => h.map(([itemId, value]) => ({ userId: `u${u}`, itemId, kind: 'RATING' as const, value })));
    const options: CollaborativeOptions = { easeMaxItems: 100, easeLambda: 1, graphNeighbours: 10, rp3Alpha: 1, rp3Beta: 0.5, contentNeighbours: 10 };
    const index = EngagementIndex.build(rows);
    const model = CollaborativeModel.fromParts(buildCollaborativeParts(jobFromIndex(index, options)));
    const itemIds = ['a', 'b', 'c', 'x', 'y'];
    const offsets = [0];
    for (const h of users) offsets.push(offsets.at(-1)! + h.length);
    const items = Int32Array.from(users.flatMap((h) => h.map(([id]) => itemIds.indexOf(id))));
    const strengths = Float32Array.from(users.flatMap((h, u) => h.map(([id]) => index.user(`u${u}`).strength.get(id)!)));
    const column = model.weightsInto(new Set(['y']));
    const weights = Float64Array.from(itemIds, (id) => column.get(id) ?? 0);
    const graded = historyScores({ offsets: Int32Array.from(offsets), items, strengths }, weights).scores;
    const binary = historyScores({ offsets: Int32Array.from(offsets), items }, weights).scores;
    users.forEach((_, u) => {
      const expected = model.score(index.user(`u${u}`).strength, 100).find((s) => s.itemId === 'y')?.score ?? 0;
      expect(Math.max(0, graded[u]!), `u${u}`).toBeCloseTo(expected, 5);
    });
    expect(Array.from(graded)).not.toEqual(Array.from(binary));
  });
});

describe('segmentLifts', () => {
  it('gives the observed lift and pulls small segments towards 1', () => {
    // Overall: 30 of 300 engaged (10 %).
    const [big, small, none] = segmentLifts(
      [
        { members: 100, engaged: 20 },
        { members: 4, engaged: 2 },
        { members: 196, engaged: 8 },
      ],
      20,
    );
    expect(big!.share).toBe(0.2);
    expect(big!.observedLift).toBeCloseTo(2, 10);
    expect(big!.lift).toBeCloseTo((20 + 2) / 120 / 0.1, 10);
    expect(small!.observedLift).toBeCloseTo(5, 10);
    // 2 of 4 is a bigger share than 20 of 100, but too little support to outrank it.
    expect(small!.lift).toBeLessThan(big!.lift);
    expect(none!.lift).toBeLessThan(1);
    expect(segmentLifts([{ members: 10, engaged: 5 }], 0)[0]!.lift).toBeCloseTo(1, 10);
  });

  it('is 0 everywhere when nobody engaged', () => {
    expect(segmentLifts([{ members: 3, engaged: 0 }], 20)[0]).toEqual({ members: 3, engaged: 0, share: 0, observedLift: 0, lift: 0 });
  });
});

describe('activityScore and recallAt', () => {
  it('grows with diminishing returns', () => {
    expect(activityScore(0)).toBe(0);
    expect(activityScore(10) - activityScore(9)).toBeLessThan(activityScore(1) - activityScore(0));
  });

  it('recall@k counts the relevant users in the first k', () => {
    expect(recallAt(['a', 'b', 'c'], new Set(['b', 'z']), 2)).toBe(0.5);
    expect(recallAt(['a', 'b', 'c'], new Set(['c']), 2)).toBe(0);
    expect(recallAt([], new Set(), 2)).toBe(0);
  });
});
