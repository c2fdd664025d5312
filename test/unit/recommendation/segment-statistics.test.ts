import { describe, expect, it } from 'vitest';
import { EngagementIndex } from '../../../src/recommendation/engagement-index.js';
import { SEGMENT_STATISTICS_MAX_AGE_MS, SegmentStatistics } from '../../../src/recommendation/segment-statistics.js';
import type { MembershipService } from '../../../src/segmentation/membership-service.js';
import type { Segment } from '../../../src/segmentation/segment.js';

const segment = { id: 'run-1:0', runId: 'run-1', label: 'space' } as Segment;

function setup() {
  const index = EngagementIndex.build([{ userId: 'a', itemId: 'x', kind: 'LIKE', value: null }]);
  let reads = 0;
  let runId: string | null = 'run-1';
  const memberships = {
    activeRunId: () => runId,
    activeSegmentMembers: async () => {
      reads++;
      return runId ? [{ segment: { ...segment, runId, id: `${runId}:0` }, memberIds: ['a', 'b'] }] : [];
    },
  } as unknown as MembershipService;
  let now = 0;
  const statistics = new SegmentStatistics(memberships, index, () => now);
  return {
    index,
    statistics,
    reads: () => reads,
    setRun: (id: string | null) => (runId = id),
    advance: (ms: number) => (now += ms),
  };
}

describe('segment statistics cache', () => {
  it('builds once per index version, serves slightly stale counts, and rebuilds after the maximum age', async () => {
    const s = setup();
    expect((await s.statistics.current())!.profiles[0]!.counts.get('x')).toBe(1);
    await s.statistics.current();
    expect(s.reads()).toBe(1);
    s.index.add([{ userId: 'b', itemId: 'x', kind: 'LIKE', value: null }]);
    expect((await s.statistics.current())!.profiles[0]!.counts.get('x')).toBe(1);
    s.advance(SEGMENT_STATISTICS_MAX_AGE_MS);
    expect((await s.statistics.current())!.profiles[0]!.counts.get('x')).toBe(2);
    expect(s.reads()).toBe(2);
  });

  it('drops erased votes at once when invalidated, and follows a new active run', async () => {
    const s = setup();
    await s.statistics.current();
    s.index.removeUsers(['a']);
    s.statistics.invalidate();
    expect((await s.statistics.current())!.profiles[0]!.counts.get('x')).toBeUndefined();
    s.setRun('run-2');
    expect((await s.statistics.current())!.runId).toBe('run-2');
    s.setRun(null);
    expect(await s.statistics.current()).toBeNull();
  });
});
