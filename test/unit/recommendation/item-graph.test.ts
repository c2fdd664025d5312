import { describe, expect, it } from 'vitest';
import { EaseRanker, ItemGraphRanker } from '../../../src/evaluation/baselines.js';
import { ItemGraph } from '../../../src/recommendation/item-graph.js';

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
const ratings = users.flatMap((items, u) => items.map((itemId) => ({ userId: `u${u}`, itemId, value: 4 })));
const maps = users.map((items) => new Map(items.map((i) => [i, 1])));

describe('item graph (collaborative core)', () => {
  it('keeps only the top neighbours per item, strongest first', () => {
    const graph = ItemGraph.build(maps, { method: 'RP3BETA', alpha: 1, beta: 0.5, neighbours: 2 });
    const neighbours = graph.neighboursOf('a');
    expect(neighbours.length).toBe(2);
    expect(neighbours[0]!.itemId).toBe('b');
    expect(neighbours[0]!.weight).toBeGreaterThanOrEqual(neighbours[1]!.weight);
    expect(graph.neighboursOf('unknown')).toEqual([]);
  });

  it('scores what co-occurs with the history and names the item that contributed most', () => {
    const graph = ItemGraph.build(maps, { method: 'RP3BETA', alpha: 1, beta: 0.5, neighbours: 10 });
    const scores = graph.score(new Map([['x', 1]]));
    expect(scores.get('y')!.score).toBeGreaterThan(scores.get('a')?.score ?? 0);
    expect(scores.get('y')!.because).toBe('x');
  });

  it('RP3beta, item-kNN and EASE recommend the partner item, never a seen one', () => {
    for (const ranker of [
      new ItemGraphRanker(ratings, { method: 'RP3BETA', alpha: 1, beta: 0.5, neighbours: 10 }),
      new ItemGraphRanker(ratings, { method: 'COSINE', neighbours: 10 }),
      new EaseRanker(ratings, { lambda: 1 }),
    ]) {
      const top = ranker.rank('u5', 2); // saw x and pop
      expect(top[0], ranker.name).toBe('y');
      expect(top).not.toContain('x');
    }
  });
});
