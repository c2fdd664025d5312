import { badInput, notFound } from '../app/errors.js';
import { validateLimit, type InputLimits } from '../app/validation.js';
import { USERS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import { userFromRecord, type User } from '../users/user.js';
import type { MemberPosition, MembershipRepository, SegmentScope } from './membership-repository.js';
import { parseSegmentId, segmentIdOf, type Segment } from './segment.js';
import type { ActiveSegments } from './active-segments.js';
import type { SegmentRepository } from './segment-repository.js';

export interface MemberPage {
  users: Array<{ user: User; cursor: string }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/** Who is in a segment, and which segment a user is in. */
export class MembershipService {
  constructor(
    private readonly store: VectorStore,
    private readonly repository: MembershipRepository,
    private readonly active: ActiveSegments,
    private readonly segments: SegmentRepository,
    private readonly limits: InputLimits,
  ) {}

  private async usersById(ids: string[]): Promise<Map<string, User>> {
    if (ids.length === 0) return new Map();
    const records = await this.store.get(USERS, ids);
    return new Map(records.map((r) => [r.id, userFromRecord(r)] as const));
  }

  /**
   * A page of a segment's members in a stable order (subsegment, then user id). `after` is
   * the `endCursor` of the previous page. Members come from the membership table, so
   * `totalCount` is an index count and erased users are in no page.
   */
  async members(segment: Segment, first: number, after: string | null): Promise<MemberPage> {
    validateLimit(first, 'first', this.limits);
    const scope = scopeOf(segment);
    const position = after == null ? null : decodeCursor(after);
    const rows = this.repository.page(scope, first + 1, position);
    const totalCount = this.repository.count(scope);
    const pageRows = rows.slice(0, first);
    const users = await this.usersById(pageRows.map((r) => r.userId));
    const edges = pageRows
      .filter((r) => users.has(r.userId))
      .map((r) => ({ user: users.get(r.userId)!, cursor: encodeCursor(r.position) }));
    return {
      users: edges,
      hasNextPage: rows.length > first,
      endCursor: pageRows.length > 0 ? encodeCursor(pageRows.at(-1)!.position) : null,
      totalCount,
    };
  }

  /** Members of a segment (or subsegment) now, from the index. */
  size(segment: Segment): number {
    return this.repository.count(scopeOf(segment));
  }

  /** User ids of a segment's members (for segment statistics). */
  memberIds(segment: Segment): string[] {
    return this.repository.memberIds(scopeOf(segment));
  }

  /**
   * The user's segment (level 0) or subsegment (level 1) in the active run. A user written
   * after the run and not placed live gets the nearest active centroid, so a user is never
   * without a segment while a run is active (unless outside its population filter).
   */
  async segmentOf(user: User, level = 0): Promise<Segment | null> {
    const id = await this.segmentIdOfUser(user, level);
    return id === null ? null : this.segments.get(id);
  }

  /** The id of segmentOf's answer, without reading the segment (so callers can batch those reads). */
  async segmentIdOfUser(user: User, level = 0): Promise<string | null> {
    const runId = this.active.runId();
    if (!runId) return null;
    const row = this.repository.get(runId, user.id);
    let ref = row ? { runId, index: row.segment, child: row.child } : null;
    if (!row) {
      const [record] = await this.store.get(USERS, [user.id], { withVector: true });
      if (!record?.vector) return null;
      ref = this.active.nearestSegments([record.vector], [user.attributes])[0]?.ref ?? null;
    }
    if (!ref) return null;
    if (level === 1 && ref.child === null) return null;
    return segmentIdOf(level === 0 ? { ...ref, child: null } : ref);
  }

  /** The active run (null: none). */
  activeRunId(): string | null {
    return this.active.runId();
  }

  /** The active run's top-level segments with their members' ids (statistics over the whole run, e.g. BLENDED's prior). */
  async activeSegmentMembers(): Promise<Array<{ segment: Segment; memberIds: string[] }>> {
    const runId = this.active.runId();
    if (!runId) return [];
    const segments = await this.segments.ofRun(runId);
    return segments.map((segment) => ({ segment, memberIds: this.memberIds(segment) }));
  }

  /** The id of the active top-level segment whose member list holds the user (null: not recorded in one). */
  recordedSegmentIdOf(userId: string): string | null {
    const runId = this.active.runId();
    const row = runId ? this.repository.get(runId, userId) : null;
    return row ? segmentIdOf({ runId: row.runId, index: row.segment, child: null }) : null;
  }

  /** Users assigned live (nearest centroid) since the run finished: a hint that a new run is due. */
  liveAssignedSince(runId: string): number {
    return this.repository.liveCount(runId);
  }

  /** True when the user's active segment was given live (nearest centroid) rather than by the run. */
  isLiveAssigned(userId: string): boolean {
    const runId = this.active.runId();
    if (!runId) return false;
    return this.repository.get(runId, userId)?.live ?? true;
  }

  /** Members nearest to the segment's centroid, best first (score: cosine similarity). */
  async representatives(segment: Segment, limit: number): Promise<Array<{ user: User; score: number }>> {
    validateLimit(limit, 'limit', this.limits);
    const nearest = this.repository.nearest(scopeOf(segment), limit);
    const users = await this.usersById(nearest.map((n) => n.userId));
    return nearest.filter((n) => users.has(n.userId)).map((n) => ({ user: users.get(n.userId)!, score: 1 - n.distance }));
  }

  async requireSegment(id: string): Promise<Segment> {
    const segment = await this.segments.get(id);
    if (!segment) throw notFound(`no segment with id "${id}"`, { id });
    return segment;
  }
}

function scopeOf(segment: Segment): SegmentScope {
  const ref = parseSegmentId(segment.id);
  if (!ref) throw new Error(`not a segment id: ${segment.id}`);
  return { runId: ref.runId, segment: ref.index, child: ref.child };
}

/** Edge cursors are the member's position in the segment's order: (subsegment, user id). */
function encodeCursor(position: MemberPosition): string {
  return Buffer.from(JSON.stringify([position.child, position.userId])).toString('base64url');
}

function decodeCursor(cursor: string): MemberPosition {
  try {
    const [child, userId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (Number.isInteger(child) && typeof userId === 'string') return { child: child as number, userId };
  } catch {
    // fall through to the error below
  }
  throw badInput(`after: "${cursor}" is not a cursor from this connection`);
}
