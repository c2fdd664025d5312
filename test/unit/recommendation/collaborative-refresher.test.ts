import { describe, expect, it } from 'vitest';
import { CollaborativeRefresher } from '../../../src/recommendation/collaborative-refresher.js';
import { EngagementIndex, type EngagementRow } from '../../../src/recommendation/engagement-index.js';

const options = {
  easeMaxItems: 100,
  easeLambda: 1,
  graphNeighbours: 10,
  rp3Alpha: 1,
  rp3Beta: 0.5,
  contentNeighbours: 10,
  rebuildShare: 0.5,
  rebuildDelayMs: 60_000,
};
const like = (userId: string, itemId: string): EngagementRow => ({ userId, itemId, kind: 'LIKE', value: null });

describe('collaborative model refresher', () => {
  it('builds in a worker, and an erasure stops serving the model at once until a rebuild without the erased rows', async () => {
    const index = EngagementIndex.build([like('a', 'x'), like('a', 'y'), like('b', 'x'), like('b', 'y'), like('c', 'x'), like('c', 'z')]);
    const refresher = new CollaborativeRefresher(index, options);
    try {
      expect(refresher.current()).toBeNull();
      await refresher.refresh();
      const before = refresher.current()!;
      expect(before.method).toBe('EASE');
      expect(before.knows('z')).toBe(true);

      // c (the only one with z) is erased: nothing built from c's rows may serve any more.
      index.removeUsers(['c']);
      refresher.erased();
      expect(refresher.current()).toBeNull();
      await refresher.refresh();
      expect(refresher.current()!.knows('z')).toBe(false);
      expect(refresher.current()!.score(['x'], 5).map((s) => s.itemId)).toEqual(['y']);
    } finally {
      refresher.close();
    }
  });

  it('a build under way when an erasure happens is thrown away', async () => {
    const index = EngagementIndex.build([like('a', 'x'), like('a', 'y'), like('c', 'x'), like('c', 'z')]);
    const refresher = new CollaborativeRefresher(index, options);
    try {
      const first = refresher.refresh();
      index.removeUsers(['c']);
      refresher.erased();
      await first;
      await refresher.refresh();
      expect(refresher.current()!.knows('z')).toBe(false);
    } finally {
      refresher.close();
    }
  });
});
