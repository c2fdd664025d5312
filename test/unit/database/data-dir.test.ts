import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../../src/app/errors.js';
import { lockDataDir, PID_FILE } from '../../../src/database/data-dir-lock.js';
import { openDatabase } from '../../../src/database/open-database.js';
import { preparePrivateDataDir } from '../../../src/database/private-data-dir.js';

const made: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-datadir-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

describe('DATA_DIR lock', () => {
  it('refuses a second holder, naming the first, until it is released', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    const holder = JSON.parse(fs.readFileSync(path.join(dir, PID_FILE), 'utf8')) as { pid: number; host: string };
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(() => lockDataDir(dir)).toThrow(StartupError);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`pid ${process.pid} on host ${os.hostname()}`));
    lock.release();
    lock.release();
    expect(fs.existsSync(path.join(dir, PID_FILE))).toBe(false);
    const again = lockDataDir(dir);
    again.release();
  });

  it('sets a busy timeout on the main database', () => {
    const db = openDatabase(tempDir());
    expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 });
    db.close();
  });
});

describe('private DATA_DIR', () => {
  const capture = () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    return { logger, lines };
  };

  it('creates a missing DATA_DIR with mode 0700, quietly', () => {
    const { logger, lines } = capture();
    const dir = path.join(tempDir(), 'a', 'data');
    preparePrivateDataDir(dir, logger);
    expect(modeOf(dir)).toBe(0o700);
    expect(lines).toEqual([]);
  });

  it('tightens an existing open DATA_DIR and what is in it, and warns', () => {
    const { logger, lines } = capture();
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'vectors', 'users.lance'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'segmentql.sqlite'), 'x');
    fs.writeFileSync(path.join(dir, 'vectors', 'users.lance', 'part.lance'), 'x');
    for (const p of ['vectors', 'vectors/users.lance']) fs.chmodSync(path.join(dir, p), 0o755);
    for (const p of ['segmentql.sqlite', 'vectors/users.lance/part.lance']) fs.chmodSync(path.join(dir, p), 0o644);
    fs.chmodSync(dir, 0o755);
    preparePrivateDataDir(dir, logger);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.join(dir, 'vectors'))).toBe(0o700);
    expect(modeOf(path.join(dir, 'vectors', 'users.lance'))).toBe(0o700);
    expect(modeOf(path.join(dir, 'segmentql.sqlite'))).toBe(0o600);
    expect(modeOf(path.join(dir, 'vectors', 'users.lance', 'part.lance'))).toBe(0o600);
    expect(lines.join('')).toMatch(/DATA_DIR was readable by other users/);
    expect(lines.join('')).toMatch(/"previousMode":"0755"/);
  });
});
