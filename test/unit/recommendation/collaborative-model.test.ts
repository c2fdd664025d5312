import { describe, expect, it } from 'vitest';
import { EaseRanker } from '../../../src/evaluation/baselines.js';
import { buildCollaborativeParts, CollaborativeModel, type CollaborativeOptions } from '../../../src/recommendation/collaborative-model.js';
import { jobFromIndex } from '../../../src/recommendation/collaborative-refresher.js';
import { EngagementIndex } from '../../../src/recommendation/engagement-index.js';
import { collaborativeReason, CO_ENGAGEMENT_REASON_MIN_SIMILARITY, coEngagementReason } from '../../../src/recommendation/reasons.js';

// Two tastes: {a, b, c} go together, {x, y} go together; "pop" is seen by almost everyone.
const users = [
  ['a', 'b', 'c', 'pop'],
  ['a', 'b', 'c'],
  ['a', 'b', 'pop'],
  ['x', 'y', 'pop'],
  ['x', 'y', 'pop'],
  ['x', 'pop'],
  ['c', 'pop'],
];
const rows = users.flatMap((items, u) => items.map((itemId) => ({ userId: `u${u}`, itemId, kind: 'RATING' as const, value: 4 })));
const options: CollaborativeOptions = { easeMaxItems: 100, easeLambda: 1, graphNeighbours: 10, rp3Alpha: 1, rp3Beta: 0.5, contentNeighbours: 10 };

function model(overrides: Partial<CollaborativeOptions> = {}): CollaborativeModel {
  const index = EngagementIndex.build(rows);
  return CollaborativeModel.fromParts(buildCollaborativeParts(jobFromIndex(index, { ...options, ...overrides })));
}

describe('collaborative model', () => {
  it('uses EASE up to the item-count threshold and ranks like the EASE baseline', () => {
    const ease = model();
    expect(ease.method).toBe('EASE');
    const baseline = new EaseRanker(rows, { lambda: 1 });
    const history = ['x', 'pop']; // u5's history
    const mine = ease.score(history, 10).filter((s) => !history.includes(s.itemId)).map((s) => s.itemId);
    expect(mine.slice(0, 2)).toEqual(baseline.rank('u5', 2));
    expect(mine[0]).toBe('y');
    expect(ease.score(history, 10)[0]!.because).toBe('x');
  });

  it('switches to the sparse RP3beta graph above the threshold', () => {
    const sparse = model({ easeMaxItems: 3 });
    expect(sparse.method).toBe('RP3BETA');
    expect(sparse.score(['a'], 3).map((s) => s.itemId)).toContain('b');
    expect(sparse.score(['unknown'], 3)).toEqual([]);
  });

  it('finds co-engaged items for CONTENT with their audience cosine', () => {
    const co = model().coEngaged(new Map([['x', 1]]));
    expect(co[0]!.itemId).toBe('y');
    expect(co[0]!.because).toBe('x');
    // x's audience {u3,u4,u5}, y's {u3,u4}: cosine 2/sqrt(6).
    expect(co[0]!.similarity).toBeCloseTo(2 / Math.sqrt(6), 5);
  });
});

describe('reasons of the collaborative strategies', () => {
  it('names a co-engaged item only above the documented audience similarity', () => {
    expect(coEngagementReason({ title: 'Alien', how: 'which you rated 5 stars', similarity: 0.42 })).toContain('Alien');
    expect(coEngagementReason({ title: 'Alien', how: 'x', similarity: CO_ENGAGEMENT_REASON_MIN_SIMILARITY - 0.01 })).not.toContain('Alien');
  });

  it('states the contribution and the score it is part of', () => {
    const reason = collaborativeReason({ title: 'Alien', how: 'which you rated 5 stars', contribution: 0.1234, score: 0.3 });
    expect(reason).toContain('Alien');
    expect(reason).toContain('0.123 of the score 0.300');
    expect(collaborativeReason({ title: 'Alien', how: 'x', contribution: -0.1, score: 0.3 })).not.toContain('Alien');
  });
});

describe('graded engagement in the collaborative model', () => {
  // b and c co-occur with a equally often, but b's fans loved both and c's raters rated c 1 star.
  const graded = [
    ['u1', 'a', 5], ['u1', 'b', 5],
    ['u2', 'a', 5], ['u2', 'b', 5],
    ['u3', 'a', 5], ['u3', 'c', 1],
    ['u4', 'a', 5], ['u4', 'c', 1],
    ['u5', 'b', 4], ['u5', 'c', 4],
  ].map(([userId, itemId, value]) => ({ userId: userId as string, itemId: itemId as string, kind: 'RATING' as const, value: value as number }));

  it('weighs an item by how strongly its co-raters engaged, where binary data sees a tie', () => {
    const index = EngagementIndex.build(graded);
    const job = jobFromIndex(index, options);
    const gradedModel = CollaborativeModel.fromParts(buildCollaborativeParts(job));
    const binaryModel = CollaborativeModel.fromParts(buildCollaborativeParts({ ...job, strengths: undefined }));
    const score = (m: CollaborativeModel, item: string) => m.score(new Map([['a', 1]]), 10).find((s) => s.itemId === item)?.score ?? 0;
    expect(score(binaryModel, 'b')).toBeCloseTo(score(binaryModel, 'c'), 9);
    expect(score(gradedModel, 'b')).toBeGreaterThan(score(gradedModel, 'c') + 1e-3);
    // The same holds on the sparse RP3beta path.
    const sparse = CollaborativeModel.fromParts(buildCollaborativeParts(jobFromIndex(index, { ...options, easeMaxItems: 1 })));
    expect(sparse.method).toBe('RP3BETA');
    expect(score(sparse, 'b')).toBeGreaterThan(score(sparse, 'c'));
  });

  it('grades a history: a plain list counts every item 1, a map scales each item\'s contribution', () => {
    const model = CollaborativeModel.fromParts(buildCollaborativeParts(jobFromIndex(EngagementIndex.build(rows), options)));
    const plain = model.score(['x', 'pop'], 10);
    const asMap = model.score(new Map([['x', 1], ['pop', 1]]), 10);
    expect(asMap).toEqual(plain);
    const halfPop = model.score(new Map([['x', 1], ['pop', 0.5]]), 10);
    expect(halfPop).not.toEqual(plain);
    expect(model.score(new Map([['x', 0]]), 10)).toEqual([]);
  });
});
