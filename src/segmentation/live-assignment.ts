import type { Attributes } from '../app/validation.js';
import type { LiveSegmentAssigner } from '../profiles/profile-service.js';
import type { ActiveSegments } from './active-segments.js';
import type { MembershipEvents } from './membership-events.js';
import type { MembershipRepository } from './membership-repository.js';

/**
 * Live assignment: users written since the active run get its nearest segment at once (a
 * membership row marked live); users who left its population lose their row.
 */
export class LiveAssignment implements LiveSegmentAssigner {
  constructor(
    private readonly active: ActiveSegments,
    private readonly memberships: MembershipRepository,
    /** Membership events (LIVE_ASSIGNMENT) for users whose key changes. */
    private readonly events: MembershipEvents | null = null,
  ) {}

  assignLive(users: Array<{ id: string; vector: Float32Array; attributes: Attributes }>): void {
    const runId = this.active.runId();
    if (!runId || users.length === 0) return;
    const placed = this.active.nearestSegments(
      users.map((u) => u.vector),
      users.map((u) => u.attributes),
    );
    const entries: Array<{ userId: string; segment: number; child: number | null; distance: number }> = [];
    const outside: string[] = [];
    users.forEach((u, i) => {
      const p = placed[i];
      if (p) entries.push({ userId: u.id, segment: p.ref.index, child: p.ref.child, distance: p.distance });
      else outside.push(u.id);
    });
    const changes = this.events?.liveAssignments(runId, entries, outside) ?? [];
    // Recorded before the rows change: a crash in between repeats an event rather than losing one.
    this.events?.record(changes);
    this.memberships.assignLive(runId, entries);
    this.memberships.removeFromRun(runId, outside);
    this.events?.announce(changes);
  }
}
