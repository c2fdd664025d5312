import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LanceDbStore } from '../../../src/store/lancedb-store.js';
import { StoreUsageError, type VectorRecord } from '../../../src/store/port.js';

let dir: string;
let store: LanceDbStore;
const warnings: unknown[] = [];
const spec = { name: 'users', dimension: 3, indexedFields: [{ name: 'tags', type: 'keyword[]' as const }] };
const rec = (id: string, payload = {}): VectorRecord => ({ id, vector: Float32Array.from([1, 2, 3]), payload });

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'segmentql-lancedb-'));
  store = await LanceDbStore.open({ dir, maintenance: { compactEveryFragments: 4 }, onWarning: (m, e) => warnings.push([m, e]) });
  await store.ensureCollection(spec);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  expect(warnings).toEqual([]);
});

describe('LanceDbStore specifics', () => {
  it('a read that began before a space switch finishes; the replaced table is dropped after the grace period or at close', async () => {
    await store.close();
    store = await LanceDbStore.open({ dir, maintenance: { pruneOlderThanMs: 300 }, onWarning: (m, e) => warnings.push([m, e]) });
    await store.upsert('users', Array.from({ length: 3000 }, (_, i) => rec(`u${i}`)));
    await store.writeMeta({ modelId: 'old', dimension: 3, createdAt: new Date(0).toISOString() });
    const view = await store.openSpace('v1');
    await view.writeMeta({ modelId: 'new', dimension: 3, createdAt: new Date(0).toISOString(), building: true });
    await view.ensureCollection(spec);
    await view.upsert('users', [rec('only-new')]);
    await view.writeMeta({ modelId: 'new', dimension: 3, createdAt: new Date(0).toISOString() });
    await view.close();

    // A stream over the old table is under way when the switch comes.
    const reading = store.stream('users', {})[Symbol.asyncIterator]();
    const first = await reading.next();
    expect(first.done).toBe(false);
    await store.activateSpace('v1', ['users'], { keepPrevious: false });
    let rows = (first.value as unknown[]).length;
    for (let next = await reading.next(); !next.done; next = await reading.next()) rows += next.value.length;
    expect(rows).toBe(3000);
    // New reads see the new space at once; the old table goes once the grace period is over.
    expect((await store.get('users', ['only-new', 'u1'])).map((r) => r.id)).toEqual(['only-new']);
    expect(await lancedb.connect(dir).then((db) => db.tableNames())).toContain('users');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await lancedb.connect(dir).then((db) => db.tableNames())).not.toContain('users');
  });

  it('scrolls in UTF-8 byte order of ids', async () => {
    const ids = ['b', 'a', 'Z', 'é', '\uFFFF', '😀', 'a b', 'a\u0000', '10', '9'];
    await store.upsert('users', ids.map((id) => rec(id)));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.scroll('users', { limit: 3, cursor });
      seen.push(...page.records.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const byBytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(seen).toEqual(byBytes);
  });

  it('serialises concurrent writes to one table without losing any', async () => {
    await store.upsert('users', Array.from({ length: 20 }, (_, i) => rec(`u${i}`, { n: i })));
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => store.setPayload('users', [{ id: `u${i}`, payload: { tags: [`t${i % 3}`] } }])),
      ...Array.from({ length: 10 }, (_, i) => store.upsert('users', [rec(`new${i}`, { tags: ['t0'] })])),
      store.delete('users', { ids: ['u19'] }),
    ]);
    expect(await store.count('users')).toBe(29);
    expect(await store.count('users', { must: [{ field: 'tags', eq: 't0' }] })).toBe(7 + 10);
    const [u4] = await store.get('users', ['u4']);
    expect(u4.payload).toEqual({ n: 4, tags: ['t1'] });
  });

  it('compacts after many small writes and on demand, keeping the data', async () => {
    for (let i = 0; i < 30; i++) await store.upsert('users', [rec(`id${i}`, { tags: [`t${i}`] })]);
    await store.optimize();
    expect(await store.count('users')).toBe(30);
    expect((await store.get('users', ['id7']))[0].payload).toEqual({ tags: ['t7'] });
    const db = await lancedb.connect(dir);
    const table = await db.openTable('users');
    const stats = await table.stats();
    // 30 single-row writes would leave 30 fragments; compaction is incremental (a pass may leave
    // the freshest fragment apart), so allow two.
    expect(stats.fragmentStats.numFragments).toBeLessThanOrEqual(2);
    expect((await table.listIndices()).map((i) => [i.columns[0], i.indexType]).sort()).toEqual([
      ['id', 'BTree'],
      ['p_tags', 'LabelList'],
    ]);
    table.close();
    db.close();
  });

  it('compacts and prunes on its own once writes pause, below every threshold', async () => {
    const idleDir = mkdtempSync(path.join(tmpdir(), 'segmentql-lancedb-idle-'));
    const idle = await LanceDbStore.open({
      dir: idleDir,
      maintenance: { compactEveryRows: 0, compactEveryFragments: 0, idleAfterMs: 300, pruneOlderThanMs: 0 },
      onWarning: (m, e) => warnings.push([m, e]),
    });
    try {
      await idle.ensureCollection(spec);
      for (let i = 0; i < 12; i++) await idle.upsert('users', [rec(`id${i}`, { tags: [`t${i}`] })]);
      const db = await lancedb.connect(idleDir);
      const table = await db.openTable('users');
      const before = (await table.listVersions()).length;
      expect((await table.stats()).fragmentStats.numFragments).toBe(12);
      // No write threshold is ever reached; the idle pass must run.
      const until = Date.now() + 20_000;
      let shape = { fragments: 12, versions: before };
      while (Date.now() < until && (shape.fragments > 2 || shape.versions >= before)) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        try {
          await table.checkoutLatest();
          shape = { fragments: (await table.stats()).fragmentStats.numFragments, versions: (await table.listVersions()).length };
        } catch {
          // This second handle may list a version the store's pass prunes (its manifest gone) before reading it: look again.
        }
      }
      expect(shape.fragments).toBeLessThanOrEqual(2);
      expect(shape.versions).toBeLessThan(before);
      expect(await idle.count('users')).toBe(12);
      table.close();
      db.close();
    } finally {
      await idle.close();
      rmSync(idleDir, { recursive: true, force: true });
    }
  });

  it('prunes what a threshold compaction left behind once writes pause, even when no write follows it', async () => {
    const leftoverDir = mkdtempSync(path.join(tmpdir(), 'segmentql-lancedb-leftovers-'));
    const events: string[] = [];
    const store = await LanceDbStore.open({
      dir: leftoverDir,
      // The fifth write triggers a compaction; its pre-compaction files are younger than the prune age then.
      maintenance: { compactEveryRows: 0, compactEveryFragments: 5, compactShare: 0, idleAfterMs: 1500, pruneOlderThanMs: 1000 },
      onMaintenance: (e) => events.push(e.kind),
      onWarning: (m, e) => warnings.push([m, e]),
    });
    const dataFiles = () => readdirSync(path.join(leftoverDir, 'users.lance', 'data')).length;
    try {
      await store.ensureCollection(spec);
      for (let i = 0; i < 5; i++) await store.upsert('users', [rec(`id${i}`, { tags: [`t${i}`] })]);
      const until = Date.now() + 20_000;
      while (Date.now() < until && events.filter((k) => k === 'compact').length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      // The threshold compaction, then the idle pass, with no write in between.
      expect(events.filter((k) => k === 'compact').length).toBe(2);
      // The five one-row fragments' files are gone; only the compacted data is left.
      expect(dataFiles()).toBe(1);
      expect(await store.count('users')).toBe(5);
    } finally {
      await store.close();
      rmSync(leftoverDir, { recursive: true, force: true });
    }
  });

  it('prunes what an explicit optimize left behind once writes pause', async () => {
    const leftoverDir = mkdtempSync(path.join(tmpdir(), 'segmentql-lancedb-optimize-leftovers-'));
    const events: string[] = [];
    const store = await LanceDbStore.open({
      dir: leftoverDir,
      maintenance: { compactEveryRows: 0, compactEveryFragments: 0, idleAfterMs: 1500, pruneOlderThanMs: 1000 },
      onMaintenance: (e) => events.push(e.kind),
      onWarning: (m, e) => warnings.push([m, e]),
    });
    try {
      await store.ensureCollection(spec);
      for (let i = 0; i < 5; i++) await store.upsert('users', [rec(`id${i}`, { tags: [`t${i}`] })]);
      // What a run does before reading the users: the pending count the idle pass looks at is now zero.
      await store.optimize();
      const until = Date.now() + 20_000;
      while (Date.now() < until && events.filter((k) => k === 'compact').length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events.filter((k) => k === 'compact').length).toBe(2);
      expect(readdirSync(path.join(leftoverDir, 'users.lance', 'data')).length).toBe(1);
    } finally {
      await store.close();
      rmSync(leftoverDir, { recursive: true, force: true });
    }
  });

  it('keeps model metadata in a JSON file beside the tables', async () => {
    await store.writeMeta({ modelId: 'm', dimension: 3, createdAt: 'now' });
    expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toEqual(['store-meta.json']);
  });

  it('refuses a table it did not create', async () => {
    const db = await lancedb.connect(dir);
    await db.createTable('foreign', [{ id: 'x', n: 1 }]);
    db.close();
    await expect(store.count('foreign')).rejects.toBeInstanceOf(StoreUsageError);
  });

  it('rejects calls after close', async () => {
    const other = await LanceDbStore.open({ dir });
    await other.close();
    await expect(other.count('users')).rejects.toBeInstanceOf(StoreUsageError);
    await other.close();
  });
});
