import type { MembershipService } from '../segmentation/membership-service.js';
import type { Segment } from '../segmentation/segment.js';
import type { EngagementIndex } from './engagement-index.js';
import { segmentProfiles, type SegmentProfile } from './segment-prior.js';

/**
 * Statistics built before new interactions arrived are still served for this long: rebuilding
 * reads every member's engagement (all interactions once), which a request must not pay on
 * every write. A new active run, an erasure and a flagged user take effect at once (`invalidate`).
 */
export const SEGMENT_STATISTICS_MAX_AGE_MS = 10_000;

export interface ActiveSegmentStatistics {
  runId: string;
  profiles: SegmentProfile[];
  segments: Map<string, Segment>;
}

/** Every active segment's engagement profile (segment-prior.ts), cached per run and index version. */
export class SegmentStatistics {
  private cached: (ActiveSegmentStatistics & { version: number; builtAt: number }) | null = null;
  private building: Promise<ActiveSegmentStatistics | null> | null = null;

  constructor(
    private readonly memberships: MembershipService,
    private readonly index: EngagementIndex,
    private readonly now: () => number = Date.now,
  ) {}

  /** The next request rebuilds (erasures: a deleted user never votes, not even for a few seconds). */
  invalidate(): void {
    this.cached = null;
  }

  /** Null while no run is active. */
  async current(): Promise<ActiveSegmentStatistics | null> {
    const runId = this.memberships.activeRunId();
    if (!runId) return null;
    const cached = this.cached;
    if (cached && cached.runId === runId && (cached.version === this.index.version || this.now() - cached.builtAt < SEGMENT_STATISTICS_MAX_AGE_MS)) {
      return cached;
    }
    // Concurrent requests share one build.
    this.building ??= this.build().finally(() => (this.building = null));
    return this.building;
  }

  private async build(): Promise<ActiveSegmentStatistics | null> {
    const version = this.index.version;
    const builtAt = this.now();
    const members = await this.memberships.activeSegmentMembers();
    if (members.length === 0) return null;
    const runId = members[0]!.segment.runId;
    const profiles = segmentProfiles(this.index, members.map((m) => ({ segmentId: m.segment.id, memberIds: m.memberIds })));
    this.cached = { runId, profiles, segments: new Map(members.map((m) => [m.segment.id, m.segment])), version, builtAt };
    return this.cached;
  }
}
