import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openDatabase } from '../../../src/database/open-database.js';
import { MembershipRepository } from '../../../src/segmentation/membership-repository.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-memberships-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const run = (userIds: string[], segment: (i: number) => number) => ({
  userIds,
  segments: Int32Array.from(userIds, (_, i) => segment(i)),
  children: new Int32Array(userIds.length).fill(-1),
  distances: Float32Array.from(userIds, (_, i) => i / 100),
});

describe('memberships stored under a small key per run', () => {
  it('migrates rows stored under run ids, keeping every row and what queries answer', () => {
    const dir = tempDir();
    const keyed = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE membership_runs'));
    expect(keyed).toBeGreaterThan(0);
    // A database written by the release before the change.
    const old = new DatabaseSync(path.join(dir, 'segmentql.sqlite'));
    for (let v = 0; v < keyed; v++) old.exec(MIGRATIONS[v]!);
    old.exec(`PRAGMA user_version = ${keyed}`);
    const insert = old.prepare('INSERT INTO memberships(run_id, user_id, segment_index, child_index, distance, live) VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 30; i++) insert.run('run-a', `u${i}`, i % 3, -1, i / 10, 0);
    for (let i = 0; i < 12; i++) insert.run('run-b', `u${i}`, i % 2, i % 2, i / 10, i === 0 ? 1 : 0);
    old.close();

    const db = openDatabase(dir);
    const memberships = new MembershipRepository(db);
    expect(memberships.runIds()).toEqual(['run-a', 'run-b']);
    expect(memberships.sizes('run-a')).toEqual(new Map([[0, 10], [1, 10], [2, 10]]));
    expect(memberships.get('run-b', 'u0')).toEqual({ runId: 'run-b', userId: 'u0', segment: 0, child: 0, distance: 0, live: true });
    expect(memberships.count({ runId: 'run-b', segment: 1, child: 1 })).toBe(6);
    expect(memberships.nearest({ runId: 'run-a', segment: 2, child: null }, 2).map((m) => m.userId)).toEqual(['u2', 'u5']);
    expect((db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE sql LIKE '%run_id TEXT NOT NULL,%user_id%'").get() as { n: number }).n).toBe(0);
    db.close();
  });

  it('answers nothing for a run it never stored, and forgets a run whose rows are dropped', () => {
    const db = openDatabase(tempDir());
    const memberships = new MembershipRepository(db);
    memberships.writeRun('first', run(['a', 'b', 'c'], (i) => i % 2));
    memberships.writeRun('second', run(['a', 'b'], () => 1));
    expect(memberships.runIds()).toEqual(['first', 'second']);
    expect(memberships.getMany('unknown', ['a']).size).toBe(0);
    expect(memberships.get('unknown', 'a')).toBeNull();
    expect(memberships.sizes('unknown').size).toBe(0);

    expect(memberships.retainRuns(['second'])).toBe(3);
    expect(memberships.runIds()).toEqual(['second']);
    expect(memberships.get('first', 'a')).toBeNull();
    // A later run gets a key of its own, never the dropped run's: the dropped rows stay dropped.
    memberships.writeRun('third', run(['z'], () => 0));
    expect(memberships.sizes('third')).toEqual(new Map([[0, 1]]));
    expect(memberships.getMany('second', ['a', 'b']).get('b')?.segment).toBe(1);
    memberships.dropRun('second');
    expect(memberships.runIds()).toEqual(['third']);
    memberships.removeUsers(['z']);
    expect(memberships.sizes('third').size).toBe(0);
    db.close();
  });
});
