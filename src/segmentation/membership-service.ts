import { badInput, notFound } from '../app/errors.js';
import { validateLimit, type InputLimits } from '../app/validation.js';
import { USERS } from '../store/collections.js';
import type { Filter, VectorStore } from '../store/port.js';
import { userFromRecord, type User } from '../users/user.js';
import type { Segment } from './segment.js';
import type { SegmentationService } from './segmentation-service.js';

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
    private readonly segmentation: SegmentationService,
    private readonly limits: InputLimits,
  ) {}

  /**
   * A page of a segment's members in a stable order. `after` is the `endCursor` of the
   * previous page. Members of any stored run's segment can be paged while that run's
   * memberships are kept (the active run, and the run being written).
   */
  async members(segment: Segment, first: number, after: string | null): Promise<MemberPage> {
    validateLimit(first, 'first', this.limits);
    const filter: Filter = { must: [{ field: 'segmentIds', eq: segment.id }] };
    const position = after ? decodeCursor(after) : { start: undefined, skip: 0 };
    let page;
    try {
      page = await this.store.scroll(USERS, { filter, limit: position.skip + first, cursor: position.start });
    } catch (error) {
      if (after) throw badInput(`after: "${after}" is not a cursor from this connection`);
      throw error;
    }
    const records = page.records.slice(position.skip);
    const users = records.map((r, i) => ({
      user: userFromRecord(r),
      // The last edge of a full page resumes from the store's own cursor, so skips never grow.
      cursor: encodeCursor(
        i === records.length - 1 && page.nextCursor !== undefined
          ? { start: page.nextCursor, skip: 0 }
          : { start: position.start, skip: position.skip + i + 1 },
      ),
    }));
    return {
      users,
      hasNextPage: page.nextCursor !== undefined,
      endCursor: users.at(-1)?.cursor ?? null,
      totalCount: await this.store.count(USERS, filter),
    };
  }

  /**
   * The user's segment in the active run. Users written after the run read the store
   * (and not placed live for some reason) get the nearest active centroid, so a user
   * is never without a segment while a run is active.
   */
  async segmentOf(user: User, level = 0): Promise<Segment | null> {
    const activeId = this.segmentation.activeSegmentIdOf(user.segmentIds, level);
    if (activeId) return this.segmentation.getSegment(activeId);
    if (!this.segmentation.activeRunId()) return null;
    const [record] = await this.store.get(USERS, [user.id], { withVector: true });
    if (!record?.vector) return null;
    const [nearest] = await this.segmentation.nearestSegments([record.vector], [user.attributes]);
    const id = nearest?.[level];
    return id ? this.segmentation.getSegment(id) : null;
  }

  /** Members nearest to the segment's centroid, best first. */
  async representatives(segment: Segment, limit: number): Promise<Array<{ user: User; score: number }>> {
    validateLimit(limit, 'limit', this.limits);
    const found = await this.segmentation.getSegmentWithCentroid(segment.id);
    if (!found) return [];
    const hits = await this.store.search(USERS, found.centroid, { limit, filter: { must: [{ field: 'segmentIds', eq: segment.id }] } });
    return hits.map((h) => ({ user: userFromRecord(h), score: h.score }));
  }

  async requireSegment(id: string): Promise<Segment> {
    const segment = await this.segmentation.getSegment(id);
    if (!segment) throw notFound(`no segment with id "${id}"`, { id });
    return segment;
  }
}

/**
 * Edge cursors name a position as (store scroll cursor of a page start, members to skip
 * from there), so paging resumes after any edge on either backend.
 */
interface Position {
  start: string | undefined;
  skip: number;
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.start ?? null, position.skip])).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const [start, skip] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((start === null || typeof start === 'string') && Number.isInteger(skip) && (skip as number) >= 0) {
      return { start: (start as string | null) ?? undefined, skip: skip as number };
    }
  } catch {
    // fall through to the error below
  }
  throw badInput(`after: "${cursor}" is not a cursor from this connection`);
}
