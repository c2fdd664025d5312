import { describe, expect, it } from 'vitest';
import { runMembershipChanges } from '../../../src/segmentation/membership-events.js';
import { assignSegmentKeys } from '../../../src/segmentation/segment-identity.js';

/** Unit centroids in 2-d: one per angle (degrees). */
const centroids = (...angles: number[]) => Float32Array.from(angles.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]));
const counter = () => {
  let n = 0;
  return () => `new${n++}`;
};

/** Users u0..u(n-1); `previous[i]` and `next[i]` are their segments (-1: absent). */
function scenario(previous: number[], next: number[]) {
  const ids = next.map((_, i) => `u${i}`).filter((_, i) => next[i]! >= 0);
  const assignments = Int32Array.from(next.filter((s) => s >= 0));
  const previousByUser = new Map(previous.flatMap((s, i) => (s >= 0 ? [[`u${i}`, s] as const] : [])));
  return { ids, assignments, previousByUser };
}

describe('assignSegmentKeys', () => {
  it('gives every segment a new key on the first run', () => {
    const out = assignSegmentKeys({ previousKeys: [], previousCentroids: new Float32Array(0), ...scenario([], [0, 1, 1]), k: 2, centroids: centroids(0, 90), d: 2, newKey: counter() });
    expect(out.keys).toEqual(['new0', 'new1']);
    expect(out.changes.map((c) => c.kind)).toEqual(['NEW', 'NEW']);
  });

  it('keeps keys when the same segments come back in another order', () => {
    const s = scenario([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0]);
    const out = assignSegmentKeys({ previousKeys: ['A', 'B'], previousCentroids: centroids(0, 90), ...s, k: 2, centroids: centroids(90, 0), d: 2, newKey: counter() });
    expect(out.keys).toEqual(['B', 'A']);
    expect(out.changes).toEqual([
      { key: 'A', kind: 'KEPT', relatedKeys: [], usersEntered: 0, usersLeft: 0 },
      { key: 'B', kind: 'KEPT', relatedKeys: [], usersEntered: 0, usersLeft: 0 },
    ]);
  });

  it('reports a split, a retirement and counts users moved', () => {
    // A (6 users) splits into two halves; B (4 users) comes back whole with another centroid.
    const s = scenario([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
    const out = assignSegmentKeys({ previousKeys: ['A', 'B'], previousCentroids: centroids(0, 90), ...s, k: 3, centroids: centroids(-10, 10, 180), d: 2, newKey: counter() });
    // Half one keeps A (ties broken by index); half two is new; segment 2 matches B by overlap (Jaccard 1) even with a far centroid.
    expect(out.keys).toEqual(['A', 'new0', 'B']);
    const a = out.changes.find((c) => c.key === 'A')!;
    expect(a).toMatchObject({ kind: 'SPLIT', relatedKeys: ['A', 'new0'], usersLeft: 3, usersEntered: 0 });
    expect(out.changes.find((c) => c.key === 'new0')).toMatchObject({ kind: 'NEW', usersEntered: 3 });
  });

  it('reports a merge and retires the key that lost its segment', () => {
    const s = scenario([0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0]);
    const out = assignSegmentKeys({ previousKeys: ['A', 'B'], previousCentroids: centroids(0, 40), ...s, k: 1, centroids: centroids(15), d: 2, newKey: counter() });
    expect(out.keys).toEqual(['A']);
    expect(out.changes).toEqual([
      { key: 'A', kind: 'MERGED', relatedKeys: ['A', 'B'], usersEntered: 4, usersLeft: 0 },
      { key: 'B', kind: 'RETIRED', relatedKeys: [], usersEntered: 0, usersLeft: 4 },
    ]);
  });

  it('does not match below the threshold: little overlap and distant centroids give a new key', () => {
    const s = scenario([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1], [-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const out = assignSegmentKeys({ previousKeys: ['A'], previousCentroids: centroids(0), ...s, k: 1, centroids: centroids(120), d: 2, newKey: counter() });
    expect(out.keys).toEqual(['new0']);
    expect(out.changes.map((c) => `${c.key}:${c.kind}`)).toEqual(['A:RETIRED', 'new0:NEW']);
  });

  it('lists membership events only for users whose key changed, including users who left', () => {
    const events = runMembershipChanges({
      runId: 'r2',
      previousKeys: ['A', 'B'],
      previousByUser: new Map([['u0', 0], ['u1', 1], ['gone', 1]]),
      ids: ['u0', 'u1', 'fresh'],
      assignments: Int32Array.from([0, 0, 1]),
      keys: ['A', 'C'],
      at: new Date(0),
    });
    expect(events.map((e) => [e.userId, e.from, e.to])).toEqual([
      ['u1', 'B', 'A'],
      ['fresh', null, 'C'],
      ['gone', 'B', null],
    ]);
  });
});
