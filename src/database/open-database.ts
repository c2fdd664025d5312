import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/**
 * The relational side of the service: interactions and segmentation runs.
 * Vectors and their payloads live in the vector store; what has no vector (events, run
 * history, which run is active) lives here, in one SQLite file in DATA_DIR, so a batch
 * can be written in one transaction.
 */
export type Database = DatabaseSync;

export const MIGRATIONS: string[] = [
  `CREATE TABLE interactions (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     user_id TEXT NOT NULL,
     item_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     value REAL,
     at_ms INTEGER NOT NULL
   );
   CREATE INDEX interactions_user ON interactions(user_id, at_ms DESC);
   CREATE INDEX interactions_item ON interactions(item_id);
   CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     requested_k INTEGER,
     k INTEGER,
     seed INTEGER,
     phase TEXT,
     progress REAL NOT NULL DEFAULT 0,
     user_count INTEGER,
     iteration INTEGER,
     inertia REAL,
     error TEXT,
     created_at_ms INTEGER NOT NULL,
     started_at_ms INTEGER,
     finished_at_ms INTEGER,
     details TEXT
   );
   CREATE INDEX runs_created ON runs(created_at_ms DESC);
   CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Users whose profile must be rebuilt because their interactions changed; written in the
  // same transaction as the interactions, so a crash never loses a pending refresh.
  `CREATE TABLE profile_queue (user_id TEXT PRIMARY KEY, queued_at_ms INTEGER NOT NULL);`,
  // Memberships are derived data and live apart from the user records they derive from: a run
  // writes one row per clustered user in one transaction and never touches a vector row.
  // segment_index is the top-level segment, child_index the subsegment (-1: none); distance is
  // the cosine distance to the top-level centroid; live = 1 when given by nearest-centroid
  // assignment after the run. One index serves paging and counts of a segment (and of a child,
  // since top-level pages go in (child_index, user_id) order) and, since a later migration, representatives.
  `CREATE TABLE memberships (
     run_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     segment_index INTEGER NOT NULL,
     child_index INTEGER NOT NULL DEFAULT -1,
     distance REAL NOT NULL,
     live INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (run_id, user_id)
   ) WITHOUT ROWID;
   CREATE INDEX memberships_segment ON memberships(run_id, segment_index, child_index, user_id);
   CREATE INDEX memberships_distance ON memberships(run_id, segment_index, distance);
   -- Users erased while a run may still be writing memberships it computed before the erasure.
   CREATE TABLE erased_users (user_id TEXT PRIMARY KEY, erased_at_ms INTEGER NOT NULL) WITHOUT ROWID;
   -- Erasures whose vector-store part may not have finished (crash safety: completed on start).
   CREATE TABLE pending_erasures (collection TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID;`,
  // Stable segment identity: the key of every top-level segment of every run (a key survives
  // reclustering), and the operator's name and description of a key, which follow it into later runs.
  // The webhook outbox: membership events waiting for delivery, written in the same transaction
  // as the change they report (at-least-once delivery).
  `CREATE TABLE segment_keys (
     run_id TEXT NOT NULL,
     segment_index INTEGER NOT NULL,
     key TEXT NOT NULL,
     PRIMARY KEY (run_id, segment_index)
   ) WITHOUT ROWID;
   CREATE INDEX segment_keys_key ON segment_keys(key);
   CREATE TABLE segment_names (
     key TEXT PRIMARY KEY,
     name TEXT,
     description TEXT,
     updated_at_ms INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE webhook_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     endpoint TEXT NOT NULL,
     body TEXT NOT NULL,
     event_count INTEGER NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_ms INTEGER NOT NULL,
     last_status INTEGER,
     last_error TEXT,
     created_at_ms INTEGER NOT NULL,
     delivered_at_ms INTEGER
   );
   CREATE INDEX webhook_outbox_due ON webhook_outbox(status, next_attempt_ms);`,
  // Flags on users from the event-cleaning rules (src/interactions/event-cleaning.ts), e.g.
  // AUTOMATED: such users are left out of popularity and segment statistics. Erased with the user.
  // The second index serves the exact-duplicate and repeated-VIEW checks of every batch.
  `CREATE TABLE user_flags (
     user_id TEXT NOT NULL,
     flag TEXT NOT NULL,
     flagged_at_ms INTEGER NOT NULL,
     PRIMARY KEY (user_id, flag)
   ) WITHOUT ROWID;
   CREATE INDEX interactions_user_item ON interactions(user_id, item_id, at_ms);`,
  // Each run's 2-D projection for plots (src/segmentation/projection.ts), as JSON: centroids and a
  // seeded member sample, written with the run's activation so it survives restarts.
  `CREATE TABLE run_projections (run_id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;`,
  // Representatives read a segment's rows through memberships_segment and keep the nearest (tens of
  // milliseconds at a million users); an index on distance took random inserts for every row a run
  // writes, 10 of the 13.8 s that 1M memberships took to write (3.3 s without it).
  `DROP INDEX IF EXISTS memberships_distance;`,
  // Memberships keyed by a small integer per run instead of the run's 36-character id, which
  // every row and index entry repeated: about 100 bytes per membership became about 45 (a
  // million-user run is 100 MB smaller on disk). The run ids live once, in membership_runs.
  `CREATE TABLE membership_runs (run_key INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE);
   INSERT INTO membership_runs(run_id) SELECT DISTINCT run_id FROM memberships ORDER BY run_id;
   CREATE TABLE memberships_by_key (
     run_key INTEGER NOT NULL,
     user_id TEXT NOT NULL,
     segment_index INTEGER NOT NULL,
     child_index INTEGER NOT NULL DEFAULT -1,
     distance REAL NOT NULL,
     live INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (run_key, user_id)
   ) WITHOUT ROWID;
   INSERT INTO memberships_by_key(run_key, user_id, segment_index, child_index, distance, live)
     SELECT k.run_key, m.user_id, m.segment_index, m.child_index, m.distance, m.live
     FROM memberships m JOIN membership_runs k ON k.run_id = m.run_id;
   DROP TABLE memberships;
   ALTER TABLE memberships_by_key RENAME TO memberships;
   CREATE INDEX memberships_segment ON memberships(run_key, segment_index, child_index, user_id);`,
];

export function openDatabase(dataDir: string): Database {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(path.join(dataDir, 'segmentql.sqlite'));
  // busy_timeout: a writer that finds the file locked (a checkpoint, a CLI reading it) waits up to 5 s instead of failing.
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  migrate(db);
  return db;
}

function migrate(db: Database): void {
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  for (let v = version; v < MIGRATIONS.length; v++) {
    transaction(db, () => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
}

/** Runs `work` inside one transaction: all of it is written, or none. */
export function transaction<T>(db: Database, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export function readState(db: Database, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeState(db: Database, key: string, value: string | null): void {
  if (value === null) db.prepare('DELETE FROM state WHERE key = ?').run(key);
  else db.prepare('INSERT INTO state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

const statementCaches = new WeakMap<Database, Map<string, StatementSync>>();
/** Distinct SQL texts kept per database; past it the cache starts over (IN lists make many texts). */
const MAX_CACHED_STATEMENTS = 256;

/**
 * A prepared statement for `sql`, compiled once per database: hot paths (a profile write looks up
 * each user's interactions) would otherwise spend more time compiling SQL than running it. For
 * `get`, `all` and `run` only: a cached statement reused while one of its `iterate()` cursors is
 * open would reset that cursor.
 */
export function prepareCached(db: Database, sql: string): StatementSync {
  let cache = statementCaches.get(db);
  if (!cache) statementCaches.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
