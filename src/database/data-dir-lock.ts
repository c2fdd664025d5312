import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StartupError } from '../app/errors.js';

/** The file whose SQLite lock says "this DATA_DIR is in use". */
export const LOCK_FILE = 'segmentql.lock';
/** Who holds the lock, for the message a second process shows; advisory only. */
export const PID_FILE = 'segmentql.pid';

export interface DataDirHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface DataDirLock {
  /** Releases the lock; safe to call more than once. */
  release(): void;
}

/**
 * Takes the exclusive lock on a DATA_DIR for as long as the returned lock is held.
 *
 * The lock is an OS file lock, not a pid file: SQLite opens segmentql.lock in
 * `locking_mode = EXCLUSIVE` and writes to it, which takes an fcntl write lock that it
 * keeps until the connection closes. The kernel drops that lock when the process dies,
 * even on kill -9, so a crashed holder never blocks the next start, and a pid reused by
 * another process (or another container) cannot fake a live holder. SQLite also tracks
 * its locks per inode inside one process, so a second createApp in the same process is
 * refused too. The pid file only names the holder in the refusal message.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const pidPath = path.join(dataDir, PID_FILE);
  // timeout 0: fail at once rather than wait for a holder that will not go away.
  const db = new DatabaseSync(lockPath, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at TEXT NOT NULL)');
    db.prepare('INSERT OR REPLACE INTO holder (id, pid, host, started_at) VALUES (1, ?, ?, ?)').run(process.pid, os.hostname(), new Date().toISOString());
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new StartupError(inUseMessage(dataDir, readHolder(pidPath)));
    throw error;
  }
  const holder: DataDirHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  // Written after the lock is ours, through a rename so a reader never sees half a file.
  const tmp = `${pidPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, pidPath);

  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      // Only our own pid file is removed: after a kill -9 a stale one stays until the next holder overwrites it.
      if (readHolder(pidPath)?.pid === process.pid) fs.rmSync(pidPath, { force: true });
      db.close();
    },
  };
}

function isBusy(error: unknown): boolean {
  const e = error as { errcode?: number; code?: string; message?: string };
  // SQLITE_BUSY (5) or SQLITE_LOCKED (6), possibly as an extended code (low byte).
  const primary = typeof e.errcode === 'number' ? e.errcode & 0xff : undefined;
  return primary === 5 || primary === 6 || /database is locked/i.test(e.message ?? '');
}

function readHolder(pidPath: string): DataDirHolder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(pidPath, 'utf8')) as Partial<DataDirHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? 'unknown host'), startedAt: String(parsed.startedAt ?? '') } : null;
  } catch {
    return null;
  }
}

function inUseMessage(dataDir: string, holder: DataDirHolder | null): string {
  const who = holder
    ? `segmentql process pid ${holder.pid} on host ${holder.host}${holder.startedAt ? ` (started ${holder.startedAt})` : ''}`
    : 'another segmentql process (it has not written its pid file yet)';
  return (
    `DATA_DIR ${path.resolve(dataDir)} is in use by ${who}. ` +
    'One process per DATA_DIR: stop that process first, or give this one another DATA_DIR.'
  );
}
