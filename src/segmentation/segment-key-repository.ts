import type { Database } from '../database/open-database.js';

/** The operator's words for a key; they follow the key into later runs. */
export interface SegmentNaming {
  name: string | null;
  description: string | null;
  updatedAt: Date;
}

/**
 * Stable segment keys in SQLite: which key each top-level segment of each run carries, and the
 * name and description operators gave a key.
 */
export class SegmentKeyRepository {
  constructor(private readonly db: Database) {}

  /** Records the keys of a run's top-level segments (by index). Call inside the activation transaction. */
  saveRun(runId: string, keys: readonly string[]): void {
    const insert = this.db.prepare(
      'INSERT INTO segment_keys(run_id, segment_index, key) VALUES (?, ?, ?) ON CONFLICT(run_id, segment_index) DO UPDATE SET key = excluded.key',
    );
    keys.forEach((key, index) => insert.run(runId, index, key));
  }

  /** Keys of a run's top-level segments by index (empty for an unknown run). */
  keysOf(runId: string): string[] {
    const rows = this.db.prepare('SELECT segment_index, key FROM segment_keys WHERE run_id = ? ORDER BY segment_index').all(runId) as Array<{
      segment_index: number;
      key: string;
    }>;
    const keys: string[] = [];
    for (const r of rows) keys[r.segment_index] = r.key;
    return keys;
  }

  keyOf(runId: string, index: number): string | null {
    const row = this.db.prepare('SELECT key FROM segment_keys WHERE run_id = ? AND segment_index = ?').get(runId, index) as { key: string } | undefined;
    return row?.key ?? null;
  }

  /** Where a key sits: in `preferredRunId` when it is there, else its newest run (by the runs table). */
  locate(key: string, preferredRunId: string | null): { runId: string; index: number } | null {
    const row = this.db
      .prepare(
        `SELECT k.run_id, k.segment_index FROM segment_keys k LEFT JOIN runs r ON r.id = k.run_id WHERE k.key = ?
         ORDER BY (k.run_id = ?) DESC, r.created_at_ms DESC LIMIT 1`,
      )
      .get(key, preferredRunId ?? '') as { run_id: string; segment_index: number } | undefined;
    return row ? { runId: row.run_id, index: row.segment_index } : null;
  }

  exists(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM segment_keys WHERE key = ? LIMIT 1').get(key) !== undefined;
  }

  /** Forgets the keys of a run that never became active. */
  dropRun(runId: string): void {
    this.db.prepare('DELETE FROM segment_keys WHERE run_id = ?').run(runId);
  }

  naming(key: string): SegmentNaming | null {
    const row = this.db.prepare('SELECT name, description, updated_at_ms FROM segment_names WHERE key = ?').get(key) as
      | { name: string | null; description: string | null; updated_at_ms: number }
      | undefined;
    return row ? { name: row.name, description: row.description, updatedAt: new Date(row.updated_at_ms) } : null;
  }

  setNaming(key: string, name: string | null, description: string | null): SegmentNaming {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO segment_names(key, name, description, updated_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET name = excluded.name, description = excluded.description, updated_at_ms = excluded.updated_at_ms`,
      )
      .run(key, name, description, now);
    return { name, description, updatedAt: new Date(now) };
  }
}
