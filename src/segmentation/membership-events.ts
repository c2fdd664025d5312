import type { MembershipRepository } from './membership-repository.js';
import type { SegmentKeyRepository } from './segment-key-repository.js';

export const MEMBERSHIP_CAUSES = ['RUN', 'LIVE_ASSIGNMENT', 'DELETION'] as const;
export type MembershipCause = (typeof MEMBERSHIP_CAUSES)[number];

/** A user's segment key changed (from or to null: the user entered or left every segment). */
export interface MembershipChange {
  userId: string;
  from: string | null;
  to: string | null;
  cause: MembershipCause;
  /** The active run the change belongs to (the new run for RUN). */
  runId: string | null;
  at: Date;
}

/** Where durable copies of events go (the webhook outbox); called inside the caller's transaction. */
export interface MembershipEventOutbox {
  enqueue(changes: readonly MembershipChange[]): void;
}

/**
 * Membership events: computed where memberships change (a run's switch, live assignment,
 * erasure), written to the outbox in the same transaction as the change, and announced to
 * subscribers once it is committed.
 */
export class MembershipEvents {
  constructor(
    private readonly keys: SegmentKeyRepository,
    private readonly memberships: MembershipRepository,
    private readonly activeRunId: () => string | null,
    private readonly outbox: MembershipEventOutbox | null,
    private readonly announceOne: (change: MembershipChange) => void,
  ) {}

  /** Events for users about to be erased: each leaves the key they have in the active run. */
  deletions(userIds: readonly string[]): MembershipChange[] {
    const runId = this.activeRunId();
    if (!runId) return [];
    const keys = this.keys.keysOf(runId);
    const at = new Date();
    const out: MembershipChange[] = [];
    for (const [userId, m] of this.memberships.getMany(runId, userIds)) {
      const from = keys[m.segment] ?? null;
      if (from) out.push({ userId, from, to: null, cause: 'DELETION', runId, at });
    }
    return out;
  }

  /** Events of live assignment in `runId`: placed users whose key changes, and users leaving the run's population. */
  liveAssignments(runId: string, placed: ReadonlyArray<{ userId: string; segment: number }>, outside: readonly string[]): MembershipChange[] {
    const userIds = [...placed.map((p) => p.userId), ...outside];
    if (userIds.length === 0) return [];
    const keys = this.keys.keysOf(runId);
    const before = this.memberships.getMany(runId, userIds);
    const at = new Date();
    const out: MembershipChange[] = [];
    for (const p of placed) {
      const was = before.get(p.userId);
      const from = was ? (keys[was.segment] ?? null) : null;
      const to = keys[p.segment] ?? null;
      if (from !== to) out.push({ userId: p.userId, from, to, cause: 'LIVE_ASSIGNMENT', runId, at });
    }
    for (const userId of outside) {
      const was = before.get(userId);
      const from = was ? (keys[was.segment] ?? null) : null;
      if (from !== null) out.push({ userId, from, to: null, cause: 'LIVE_ASSIGNMENT', runId, at });
    }
    return out;
  }

  /** Durable copy (outbox); call inside the transaction that makes the change. */
  record(changes: readonly MembershipChange[]): void {
    if (changes.length > 0) this.outbox?.enqueue(changes);
  }

  /** Tells subscribers; call after the change is committed. */
  announce(changes: readonly MembershipChange[]): void {
    for (const change of changes) this.announceOne(change);
  }
}

/**
 * Events of a run's switch: users whose key differs between the replaced run and this one,
 * including users the new run no longer places (to: null) and users new to segmentation (from: null).
 */
export function runMembershipChanges(input: {
  runId: string;
  previousKeys: readonly string[];
  previousByUser: ReadonlyMap<string, number>;
  ids: readonly string[];
  assignments: Int32Array;
  keys: readonly string[];
  at: Date;
}): MembershipChange[] {
  const { runId, previousKeys, previousByUser, ids, assignments, keys, at } = input;
  const out: MembershipChange[] = [];
  const placed = new Set<string>();
  ids.forEach((userId, i) => {
    placed.add(userId);
    const prev = previousByUser.get(userId);
    const from = prev === undefined ? null : (previousKeys[prev] ?? null);
    const to = keys[assignments[i]!] ?? null;
    if (from !== to) out.push({ userId, from, to, cause: 'RUN', runId, at });
  });
  for (const [userId, prev] of previousByUser) {
    const from = previousKeys[prev] ?? null;
    if (!placed.has(userId) && from !== null) out.push({ userId, from, to: null, cause: 'RUN', runId, at });
  }
  return out;
}
