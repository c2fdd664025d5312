import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/database/open-database.js';
import { InteractionRepository } from '../../../src/interactions/interaction-repository.js';

describe('InteractionRepository.forUsers', () => {
  let db: Database | undefined;
  let dir: string | undefined;
  afterEach(() => {
    db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives each user their newest interactions, at most `limit`, like forUser one by one', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-interactions-'));
    db = openDatabase(dir);
    const repository = new InteractionRepository(db);
    const events = [];
    for (let u = 0; u < 30; u++) {
      for (let e = 0; e < (u % 7) * 2; e++) {
        events.push({ userId: `u${u}`, itemId: `i${(u + e) % 11}`, kind: 'VIEW' as const, value: null, at: new Date(Date.UTC(2026, 0, 1 + ((e * 5) % 9))) });
      }
    }
    repository.append(events);
    const ids = [...Array.from({ length: 30 }, (_, u) => `u${u}`), 'nobody'];
    const batched = repository.forUsers(ids, 5);
    expect(batched.get('nobody')).toEqual([]);
    for (const id of ids) expect(batched.get(id)).toEqual(repository.forUser(id, 5));
    expect(batched.get('u6')).toHaveLength(5);
  });
});
