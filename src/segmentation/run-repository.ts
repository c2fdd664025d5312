import type { RunProjection } from './projection.js';
import { prepareCached, readState, transaction, writeState, type Database } from '../database/open-database.js';
import type { RunPhase, RunStatus, SegmentationRun } from './run.js';

interface Row {
  id: string;
  status: string;
  k: number | null;
  phase: string;
  progress: number;
  user_count: number | null;
  iteration: number | null;
  inertia: number | null;
  error: string | null;
  created_at_ms: number;
  started_at_ms: number | null;
  finished_at_ms: number | null;
  details: string | null;
}

/** Parts of a run kept as JSON: what was asked, and the results that are structures. */
type Details = Pick<SegmentationRun, 'request' | 'kCandidates' | 'metrics' | 'stability' | 'timings' | 'changes'>;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function fromRow(row: Row): SegmentationRun {
  const details = JSON.parse(row.details ?? '{}') as Details;
  return {
    id: row.id,
    status: row.status as RunStatus,
    request: details.request,
    k: row.k,
    phase: row.phase as RunPhase,
    progress: row.progress,
    userCount: row.user_count,
    iteration: row.iteration,
    inertia: row.inertia,
    kCandidates: details.kCandidates ?? [],
    metrics: details.metrics ?? null,
    stability: details.stability ?? null,
    timings: details.timings ?? [],
    changes: details.changes ?? [],
    error: row.error,
    createdAt: new Date(row.created_at_ms),
    startedAt: date(row.started_at_ms),
    finishedAt: date(row.finished_at_ms),
  };
}

/** The parts of a run kept as one JSON column. */
function detailsJson(run: SegmentationRun): string {
  const details: Details = { request: run.request, kCandidates: run.kCandidates, metrics: run.metrics, stability: run.stability, timings: run.timings, changes: run.changes };
  return JSON.stringify(details);
}

const ACTIVE_RUN_KEY = 'active_run_id';

/** Segmentation runs and the pointer to the active one, in SQLite. */
export class RunRepository {
  constructor(private readonly db: Database) {}

  /** Stores a run's projection (no transaction of its own: written inside the run's activation). */
  saveProjection(runId: string, projection: RunProjection): void {
    this.db.prepare('INSERT INTO run_projections(run_id, body) VALUES (?, ?) ON CONFLICT(run_id) DO UPDATE SET body = excluded.body').run(runId, JSON.stringify(projection));
  }

  /** A run's stored projection; null for runs that did not succeed or predate projections. */
  projection(runId: string): RunProjection | null {
    const row = this.db.prepare('SELECT body FROM run_projections WHERE run_id = ?').get(runId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as RunProjection) : null;
  }

  /**
   * Records a new run only if no other run is queued or running (compare-and-set in one
   * statement): of two concurrent reclusters exactly one is claimed.
   */
  claim(run: SegmentationRun): boolean {
    const result = prepareCached(this.db, 
        `INSERT INTO runs(id, status, requested_k, k, seed, phase, progress, created_at_ms, details)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM runs WHERE status IN ('QUEUED', 'RUNNING'))`,
      )
      .run(run.id, run.status, run.request.k, run.k, run.request.seed, run.phase, run.progress, run.createdAt.getTime(), detailsJson(run));
    return Number(result.changes) === 1;
  }

  /** Saves progress of a run that has not ended; an ended run is never overwritten. Returns false when it had ended. */
  saveProgress(run: SegmentationRun): boolean {
    return this.write(run, `status IN ('QUEUED', 'RUNNING')`);
  }

  /**
   * Ends a run (compare-and-set from QUEUED/RUNNING to a terminal status). Returns false
   * when it had already ended, e.g. a cancel that lost to activation or the reverse.
   */
  finish(run: SegmentationRun): boolean {
    return this.write(run, `status IN ('QUEUED', 'RUNNING')`);
  }

  /**
   * Marks the run SUCCEEDED and makes it the active run in one transaction, only if it has
   * not ended (been cancelled) meanwhile; `beforeSwitch` runs inside the same transaction.
   */
  activate(run: SegmentationRun, beforeSwitch: () => void): boolean {
    return transaction(this.db, () => {
      if (!this.write(run, `status IN ('QUEUED', 'RUNNING')`)) return false;
      beforeSwitch();
      writeState(this.db, ACTIVE_RUN_KEY, run.id);
      return true;
    });
  }

  private write(run: SegmentationRun, condition: string): boolean {
    const result = prepareCached(this.db, 
        `UPDATE runs SET status = ?, k = ?, phase = ?, progress = ?, user_count = ?, iteration = ?, inertia = ?, error = ?,
           started_at_ms = ?, finished_at_ms = ?, details = ? WHERE id = ? AND ${condition}`,
      )
      .run(
        run.status,
        run.k,
        run.phase,
        run.progress,
        run.userCount,
        run.iteration,
        run.inertia,
        run.error,
        run.startedAt?.getTime() ?? null,
        run.finishedAt?.getTime() ?? null,
        detailsJson(run),
        run.id,
      );
    return Number(result.changes) === 1;
  }

  /** Inserts or overwrites a run unconditionally (start-up repair, tests). */
  save(run: SegmentationRun): void {
    prepareCached(this.db, 
        `INSERT INTO runs(id, status, requested_k, k, seed, phase, progress, user_count, iteration, inertia, error,
                          created_at_ms, started_at_ms, finished_at_ms, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, k = excluded.k, phase = excluded.phase,
           progress = excluded.progress, user_count = excluded.user_count, iteration = excluded.iteration,
           inertia = excluded.inertia, error = excluded.error, started_at_ms = excluded.started_at_ms,
           finished_at_ms = excluded.finished_at_ms, details = excluded.details`,
      )
      .run(
        run.id,
        run.status,
        run.request.k,
        run.k,
        run.request.seed,
        run.phase,
        run.progress,
        run.userCount,
        run.iteration,
        run.inertia,
        run.error,
        run.createdAt.getTime(),
        run.startedAt?.getTime() ?? null,
        run.finishedAt?.getTime() ?? null,
        detailsJson(run),
      );
  }

  get(id: string): SegmentationRun | null {
    const row = prepareCached(this.db, 'SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Newest first. */
  list(first: number): SegmentationRun[] {
    const rows = prepareCached(this.db, 'SELECT * FROM runs ORDER BY created_at_ms DESC, rowid DESC LIMIT ?').all(first) as unknown as Row[];
    return rows.map(fromRow);
  }

  /** Up to `limit` runs, newest first, strictly after the run `afterId` in that order (keyset on creation time, then id). */
  page(limit: number, afterId: string | null): SegmentationRun[] {
    const after = afterId === null ? undefined : (this.db.prepare('SELECT created_at_ms FROM runs WHERE id = ?').get(afterId) as { created_at_ms: number } | undefined);
    if (afterId !== null && after === undefined) return [];
    const order = 'ORDER BY created_at_ms DESC, id DESC LIMIT ?';
    const rows = (
      after === undefined
        ? this.db.prepare(`SELECT * FROM runs ${order}`).all(limit)
        : this.db.prepare(`SELECT * FROM runs WHERE created_at_ms < ? OR (created_at_ms = ? AND id < ?) ${order}`).all(after.created_at_ms, after.created_at_ms, afterId, limit)
    ) as unknown as Row[];
    return rows.map(fromRow);
  }

  count(): number {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n);
  }

  unfinished(): SegmentationRun[] {
    const rows = prepareCached(this.db, `SELECT * FROM runs WHERE status IN ('QUEUED', 'RUNNING')`).all() as unknown as Row[];
    return rows.map(fromRow);
  }

  activeRunId(): string | null {
    return readState(this.db, ACTIVE_RUN_KEY) ?? null;
  }

  setActiveRunId(id: string): void {
    writeState(this.db, ACTIVE_RUN_KEY, id);
  }
}
