import { prepareCached, transaction, type Database } from '../database/open-database.js';

/** One user's place in one run. */
export interface Membership {
  runId: string;
  userId: string;
  /** Top-level segment index. */
  segment: number;
  /** Subsegment index within the segment, or null. */
  child: number | null;
  /** Cosine distance to the top-level centroid. */
  distance: number;
  /** True when given by nearest-centroid assignment after the run, not by the run itself. */
  live: boolean;
}

/** A run's memberships in column form, as the clustering step produces them. */
export interface RunMemberships {
  userIds: readonly string[];
  segments: Int32Array;
  /** −1 where there is no subsegment. */
  children: Int32Array;
  distances: Float32Array;
}

/** Which members a query is about: a top-level segment, or one of its subsegments. */
export interface SegmentScope {
  runId: string;
  segment: number;
  child: number | null;
}

interface Row {
  user_id: string;
  segment_index: number;
  child_index: number;
  distance: number;
  live: number;
}

const fromRow = (runId: string, r: Row): Membership => ({
  runId,
  userId: r.user_id,
  segment: r.segment_index,
  child: r.child_index < 0 ? null : r.child_index,
  distance: r.distance,
  live: r.live === 1,
});

/** Position after a member in a segment's stable order (child index, then user id). */
export interface MemberPosition {
  child: number;
  userId: string;
}

/** A run key no run has (keys start at 1): queries about a run with no stored rows find none. */
const NO_RUN_KEY = -1;

/** Rows per statement when several ids are looked up at once (below SQLite's variable limit). */
const IN_CHUNK = 500;

/**
 * Memberships in SQLite, apart from the user records (derived data never rewrites what it
 * derives from). A run writes its rows in one transaction; live assignment adds rows for the
 * active run; erasure removes a user's rows from every run. Sizes and member counts are
 * index range counts, not scans.
 */
export class MembershipRepository {
  constructor(private readonly db: Database) {}

  /**
   * Writes a chunk of a run's memberships in one transaction. The run's rows are invisible to
   * queries until the run becomes active, so a run may write in several chunks.
   */
  writeRun(runId: string, rows: RunMemberships): void {
    const insert = prepareCached(this.db, 
      `INSERT INTO memberships(run_key, user_id, segment_index, child_index, distance, live) VALUES (?, ?, ?, ?, ?, 0)
       ON CONFLICT(run_key, user_id) DO UPDATE SET segment_index = excluded.segment_index, child_index = excluded.child_index,
         distance = excluded.distance, live = 0`,
    );
    transaction(this.db, () => {
      const key = this.#keyFor(runId);
      for (let i = 0; i < rows.userIds.length; i++) {
        insert.run(key, rows.userIds[i]!, rows.segments[i]!, rows.children[i]!, rows.distances[i]!);
      }
    });
  }

  /**
   * Removes from a run the users erased while it was reading (erasure not finished, or
   * finished at or after `since`), so a run never resurrects an erased user. Runs inside the
   * caller's transaction (the run's activation).
   */
  removeErased(runId: string, since: number): void {
    prepareCached(this.db, 'DELETE FROM memberships WHERE run_key = ? AND user_id IN (SELECT user_id FROM erased_users WHERE erased_at_ms >= ?)')
      .run(this.#keyToRead(runId), since);
  }

  /** Forgets erasures that finished before now: no run can still hold those users (one run at a time). */
  pruneErased(): void {
    prepareCached(this.db, 'DELETE FROM erased_users WHERE erased_at_ms < ?').run(Date.now());
  }

  /** Live assignments: each user's row in the run is replaced. */
  assignLive(runId: string, entries: Array<{ userId: string; segment: number; child: number | null; distance: number }>): void {
    if (entries.length === 0) return;
    const upsert = prepareCached(this.db, 
      `INSERT INTO memberships(run_key, user_id, segment_index, child_index, distance, live) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT(run_key, user_id) DO UPDATE SET segment_index = excluded.segment_index, child_index = excluded.child_index,
         distance = excluded.distance, live = 1`,
    );
    transaction(this.db, () => {
      const key = this.#keyFor(runId);
      for (const e of entries) upsert.run(key, e.userId, e.segment, e.child ?? -1, e.distance);
    });
  }

  /** Removes users' rows from a run (users who no longer match its population filter). */
  removeFromRun(runId: string, userIds: readonly string[]): void {
    if (userIds.length === 0) return;
    const remove = prepareCached(this.db, 'DELETE FROM memberships WHERE run_key = ? AND user_id = ?');
    const key = this.#key(runId);
    if (key === undefined) return;
    transaction(this.db, () => {
      for (const id of userIds) remove.run(key, id);
    });
  }

  get(runId: string, userId: string): Membership | null {
    const row = prepareCached(this.db, 'SELECT * FROM memberships WHERE run_key = ? AND user_id = ?').get(this.#keyToRead(runId), userId) as Row | undefined;
    return row ? fromRow(runId, row) : null;
  }

  /** Memberships of several users in one run, by user id. */
  getMany(runId: string, userIds: readonly string[]): Map<string, Membership> {
    const out = new Map<string, Membership>();
    const key = this.#key(runId);
    if (key === undefined) return out;
    for (let start = 0; start < userIds.length; start += IN_CHUNK) {
      const chunk = userIds.slice(start, start + IN_CHUNK);
      const rows = prepareCached(this.db, `SELECT * FROM memberships WHERE run_key = ? AND user_id IN (${chunk.map(() => '?').join(',')})`)
        .all(key, ...chunk) as unknown as Row[];
      for (const r of rows) out.set(r.user_id, fromRow(runId, r));
    }
    return out;
  }

  /** Members after `after` in the segment's stable order, at most `limit`. */
  page(scope: SegmentScope, limit: number, after: MemberPosition | null): Array<{ userId: string; position: MemberPosition }> {
    const childCondition = scope.child === null ? '' : 'AND child_index = ?';
    const childArgs = scope.child === null ? [] : [scope.child];
    const afterCondition = after ? 'AND (child_index, user_id) > (?, ?)' : '';
    const afterArgs = after ? [after.child, after.userId] : [];
    const rows = prepareCached(this.db, 
        `SELECT user_id, child_index FROM memberships WHERE run_key = ? AND segment_index = ? ${childCondition} ${afterCondition}
         ORDER BY child_index, user_id LIMIT ?`,
      )
      .all(this.#keyToRead(scope.runId), scope.segment, ...childArgs, ...afterArgs, limit) as Array<{ user_id: string; child_index: number }>;
    return rows.map((r) => ({ userId: r.user_id, position: { child: r.child_index, userId: r.user_id } }));
  }

  /** Members of the segment (or subsegment), from the index. */
  count(scope: SegmentScope): number {
    const row =
      scope.child === null
        ? prepareCached(this.db, 'SELECT COUNT(*) AS n FROM memberships WHERE run_key = ? AND segment_index = ?').get(this.#keyToRead(scope.runId), scope.segment)
        : prepareCached(this.db, 'SELECT COUNT(*) AS n FROM memberships WHERE run_key = ? AND segment_index = ? AND child_index = ?')
            .get(this.#keyToRead(scope.runId), scope.segment, scope.child);
    return (row as { n: number }).n;
  }

  /** Sizes of a run's top-level segments, by index. */
  sizes(runId: string): Map<number, number> {
    const rows = prepareCached(this.db, 'SELECT segment_index, COUNT(*) AS n FROM memberships WHERE run_key = ? GROUP BY segment_index')
      .all(this.#keyToRead(runId)) as Array<{ segment_index: number; n: number }>;
    return new Map(rows.map((r) => [r.segment_index, r.n]));
  }

  /**
   * Members nearest to the top-level centroid, nearest first: the segment's rows through
   * memberships_segment (named, since without statistics SQLite would walk the whole run by its
   * primary key), the nearest kept by a top-N sort. No index on distance: see the migration that dropped it.
   */
  nearest(scope: SegmentScope, limit: number): Array<{ userId: string; distance: number }> {
    const rows =
      scope.child === null
        ? prepareCached(
            this.db,
            'SELECT user_id, distance FROM memberships INDEXED BY memberships_segment WHERE run_key = ? AND segment_index = ? ORDER BY distance, user_id LIMIT ?',
          )
            .all(this.#keyToRead(scope.runId), scope.segment, limit)
        : prepareCached(this.db, 
              'SELECT user_id, distance FROM memberships INDEXED BY memberships_segment WHERE run_key = ? AND segment_index = ? AND child_index = ? ORDER BY distance, user_id LIMIT ?',
            )
            .all(this.#keyToRead(scope.runId), scope.segment, scope.child, limit);
    return (rows as Array<{ user_id: string; distance: number }>).map((r) => ({ userId: r.user_id, distance: r.distance }));
  }

  /** Every member's user id (for segment statistics such as popularity). */
  memberIds(scope: SegmentScope): string[] {
    const rows =
      scope.child === null
        ? prepareCached(this.db, 'SELECT user_id FROM memberships WHERE run_key = ? AND segment_index = ?').all(this.#keyToRead(scope.runId), scope.segment)
        : prepareCached(this.db, 'SELECT user_id FROM memberships WHERE run_key = ? AND segment_index = ? AND child_index = ?')
            .all(this.#keyToRead(scope.runId), scope.segment, scope.child);
    return (rows as Array<{ user_id: string }>).map((r) => r.user_id);
  }

  /** Each user's top-level segment in a run (for comparing runs). */
  segmentByUser(runId: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.db.prepare('SELECT user_id, segment_index FROM memberships WHERE run_key = ?').iterate(this.#keyToRead(runId)) as Iterable<{
      user_id: string;
      segment_index: number;
    }>) {
      out.set(r.user_id, r.segment_index);
    }
    return out;
  }

  liveCount(runId: string): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM memberships WHERE run_key = ? AND live = 1').get(this.#keyToRead(runId)) as { n: number }).n;
  }

  /** Runs that have memberships (the few rows of membership_runs). */
  runIds(): string[] {
    const rows = prepareCached(this.db, 'SELECT run_id FROM membership_runs ORDER BY run_id').all() as Array<{ run_id: string }>;
    return rows.map((r) => r.run_id);
  }

  /**
   * Erasure: removes the users from every run. Runs no transaction of its own, so the
   * caller can erase a user's rows from several tables in one.
   */
  removeUsers(userIds: readonly string[]): void {
    const remove = prepareCached(this.db, 'DELETE FROM memberships WHERE run_key = ? AND user_id = ?');
    const keys = (prepareCached(this.db, 'SELECT run_key FROM membership_runs').all() as Array<{ run_key: number }>).map((r) => r.run_key);
    for (const key of keys) for (const id of userIds) remove.run(key, id);
  }

  /** Drops every run's memberships but those of `keep` (the active run and a run being written). */
  retainRuns(keep: readonly string[]): number {
    let removed = 0;
    for (const runId of this.runIds().filter((r) => !keep.includes(r))) {
      removed += Number(prepareCached(this.db, 'DELETE FROM memberships WHERE run_key = ?').run(this.#key(runId)!).changes);
      this.#forget(runId);
    }
    return removed;
  }

  /** Removes a run's memberships (a failed or cancelled run). */
  dropRun(runId: string): void {
    const key = this.#key(runId);
    if (key === undefined) return;
    prepareCached(this.db, 'DELETE FROM memberships WHERE run_key = ?').run(key);
    this.#forget(runId);
  }

  /**
   * The small integer a run's rows are stored under: a run id is a 36-character UUID, and
   * repeating it in every row and index entry made it most of the table (about 70 of 100
   * bytes per membership at a million users).
   */
  #key(runId: string): number | undefined {
    const row = prepareCached(this.db, 'SELECT run_key FROM membership_runs WHERE run_id = ?').get(runId) as { run_key: number } | undefined;
    return row?.run_key;
  }

  /** The key to query a run's rows by: for a run with no rows stored, one that matches no row. */
  #keyToRead(runId: string): number {
    return this.#key(runId) ?? NO_RUN_KEY;
  }

  /** The run's key, given one if it has none yet (inside the caller's transaction). */
  #keyFor(runId: string): number {
    prepareCached(this.db, 'INSERT OR IGNORE INTO membership_runs(run_id) VALUES (?)').run(runId);
    return this.#key(runId)!;
  }

  #forget(runId: string): void {
    prepareCached(this.db, 'DELETE FROM membership_runs WHERE run_id = ?').run(runId);
  }
}
