import { describe, expect, it } from 'vitest';
import { EngagementIndex, type EngagementRow } from '../../../src/recommendation/engagement-index.js';

const rows: EngagementRow[] = [
  { userId: 'a', itemId: 'x', kind: 'RATING', value: 5 },
  { userId: 'a', itemId: 'y', kind: 'RATING', value: 4 },
  { userId: 'a', itemId: 'z', kind: 'RATING', value: 1 },
  { userId: 'b', itemId: 'x', kind: 'LIKE', value: null },
  { userId: 'b', itemId: 'w', kind: 'VIEW', value: null },
  { userId: 'c', itemId: 'y', kind: 'PURCHASE', value: null },
  { userId: 'c', itemId: 'z', kind: 'RATING', value: 3 },
  { userId: 'c', itemId: 'z', kind: 'RATING', value: 2 },
  { userId: 'b', itemId: 'z', kind: 'RATING', value: 1 },
  { userId: 'b', itemId: 'z', kind: 'LIKE', value: null },
];

/** Everything the index exposes, in a comparable form. */
function snapshot(index: EngagementIndex) {
  const users = [...index.users].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, u]) => ({
    id,
    seen: [...u.seen].sort(),
    affinity: [...u.affinity].sort(),
    strength: [...u.strength].sort(),
    positive: [...u.positive].sort(),
    negative: [...u.negative].sort(),
    ratings: [...u.ratings].sort(),
    kinds: [...u.kinds].sort(),
  }));
  return { users, popularity: [...index.popularity].sort() };
}

describe('incremental engagement index', () => {
  it('adding rows one at a time, in any order, gives the index built at once', () => {
    const once = snapshot(EngagementIndex.build(rows));
    const incremental = new EngagementIndex();
    for (const row of [...rows].reverse()) incremental.add([row]);
    expect(snapshot(incremental)).toEqual(once);
  });

  it('a dislike followed by a like is no dislike; a lone dislike is never affinity', () => {
    const index = EngagementIndex.build(rows);
    expect(index.user('b').negative.has('z')).toBe(false);
    expect(index.user('b').affinity.has('z')).toBe(true);
    expect(index.user('a').negative.has('z')).toBe(true);
    expect(index.user('a').affinity.has('z')).toBe(false);
  });

  it('removals equal a rebuild from the remaining rows, and bump the version', () => {
    const index = EngagementIndex.build(rows);
    const before = index.version;
    index.removeUsers(['a']);
    expect(snapshot(index)).toEqual(snapshot(EngagementIndex.build(rows.filter((r) => r.userId !== 'a'))));
    index.removeItems(['z']);
    expect(snapshot(index)).toEqual(snapshot(EngagementIndex.build(rows.filter((r) => r.userId !== 'a' && r.itemId !== 'z'))));
    index.removeForUser('b', ['x']);
    const rest = rows.filter((r) => r.userId !== 'a' && r.itemId !== 'z' && !(r.userId === 'b' && r.itemId === 'x'));
    expect(snapshot(index)).toEqual(snapshot(EngagementIndex.build(rest)));
    index.removeForUser('c', null);
    expect(snapshot(index)).toEqual(snapshot(EngagementIndex.build(rest.filter((r) => r.userId !== 'c'))));
    expect(index.popularity.has('y')).toBe(false);
    expect(index.version).toBeGreaterThan(before);
  });
});

describe('users left out of counts (flagged AUTOMATED)', () => {
  it('no longer count in popularity, whatever they do later', () => {
    const index = EngagementIndex.build([
      { userId: 'h', itemId: 'x', kind: 'LIKE', value: null },
      { userId: 'bot', itemId: 'x', kind: 'LIKE', value: null },
      { userId: 'bot', itemId: 'y', kind: 'LIKE', value: null },
    ]);
    expect(index.popularity.get('x')).toBe(2);
    index.stopCounting(['bot']);
    expect(index.popularity.get('x')).toBe(1);
    expect(index.popularity.has('y')).toBe(false);
    expect(index.countedUserCount()).toBe(1);
    // Later events of the bot add nothing; its own engagement is kept.
    index.add([{ userId: 'bot', itemId: 'x', kind: 'CLICK', value: null }, { userId: 'bot', itemId: 'z', kind: 'CLICK', value: null }]);
    expect(index.popularity.get('x')).toBe(1);
    expect(index.popularity.has('z')).toBe(false);
    expect(index.user('bot').seen.has('z')).toBe(true);
    index.removeForUser('bot', ['x']);
    expect(index.popularity.get('x')).toBe(1);
  });
});
