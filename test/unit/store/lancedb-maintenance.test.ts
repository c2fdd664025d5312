import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterEach, describe, expect, it } from 'vitest';
import { Random } from '../../../src/clustering/random.js';
import { compactionDue, partitionsFor, vectorIndexDue, DEFAULT_POLICY } from '../../../src/store/lancedb-maintenance.js';
import { LanceDbStore, type LanceDbStoreOptions, type MaintenanceEvent } from '../../../src/store/lancedb-store.js';
import type { VectorRecord } from '../../../src/store/port.js';

const DIM = 16;
const spec = { name: 'users', dimension: DIM, indexedFields: [{ name: 'tier', type: 'keyword' as const }] };
const TIERS = ['free', 'pro', 'team'];

let dir: string | undefined;
let store: LanceDbStore | undefined;
const warnings: unknown[] = [];

afterEach(async () => {
  await store?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  store = undefined;
  dir = undefined;
  expect(warnings.splice(0)).toEqual([]);
});

async function openStore(options: Omit<LanceDbStoreOptions, 'dir'>): Promise<LanceDbStore> {
  dir = mkdtempSync(path.join(tmpdir(), 'segmentql-lance-maint-'));
  store = await LanceDbStore.open({ dir, onWarning: (m, e) => warnings.push([m, e]), ...options });
  await store.ensureCollection(spec);
  return store;
}

/** Seeded clustered vectors (8 clusters), so the IVF index has structure to learn. */
function records(from: number, count: number, seed = 1): VectorRecord[] {
  const random = new Random(seed);
  const centres = Array.from({ length: 8 }, () => Float32Array.from({ length: DIM }, () => random.gaussian()));
  return Array.from({ length: count }, (_, i) => {
    const centre = centres[random.int(centres.length)];
    const vector = Float32Array.from(centre, (c) => c + random.gaussian() * 0.3);
    return { id: `u${from + i}`, vector, payload: { tier: TIERS[(from + i) % TIERS.length], n: from + i } };
  });
}

async function withTable<T>(use: (table: lancedb.Table) => Promise<T>): Promise<T> {
  const db = await lancedb.connect(dir!);
  const table = await db.openTable('users');
  try {
    return await use(table);
  } finally {
    table.close();
    db.close();
  }
}

describe('LanceDB maintenance policy', () => {
  it('compacts by rows or by fragments written, whichever comes first', () => {
    const policy = { ...DEFAULT_POLICY, compactEveryRows: 1000, compactEveryFragments: 10 };
    expect(compactionDue({ rows: 999, fragments: 9 }, policy)).toBe(false);
    expect(compactionDue({ rows: 1000, fragments: 1 }, policy)).toBe(true);
    expect(compactionDue({ rows: 10, fragments: 10 }, policy)).toBe(true);
    expect(compactionDue({ rows: 1e9, fragments: 1e9 }, { ...policy, compactEveryRows: 0, compactEveryFragments: 0 })).toBe(false);
  });

  it('raises both thresholds with the table once a share of it exceeds the row threshold', () => {
    const policy = { ...DEFAULT_POLICY, compactEveryRows: 100_000, compactEveryFragments: 50, compactShare: 0.25 };
    // Up to 400k rows the fixed thresholds hold.
    expect(compactionDue({ rows: 100_000, fragments: 1 }, policy, 400_000)).toBe(true);
    expect(compactionDue({ rows: 1000, fragments: 50 }, policy, 400_000)).toBe(true);
    // At 1M rows: a quarter of the table, and 2.5 × as many writes.
    expect(compactionDue({ rows: 249_999, fragments: 124 }, policy, 1_000_000)).toBe(false);
    expect(compactionDue({ rows: 250_000, fragments: 1 }, policy, 1_000_000)).toBe(true);
    expect(compactionDue({ rows: 1000, fragments: 125 }, policy, 1_000_000)).toBe(true);
    expect(compactionDue({ rows: 100_000, fragments: 50 }, { ...policy, compactShare: 0 }, 1_000_000)).toBe(true);
  });

  it('with the defaults, a bulk import in batches of 1,000 compacts after half the table, so it rewrites about two rows per row written at any size', () => {
    const rewritten = (size: number) => {
      let rows = 0;
      let atCompaction = 0;
      let pending = { rows: 0, fragments: 0 };
      let cost = 0;
      for (let written = 0; written < size; written += 1000) {
        rows += 1000;
        pending = { rows: pending.rows + 1000, fragments: pending.fragments + 1 };
        if (compactionDue(pending, DEFAULT_POLICY, atCompaction)) {
          cost += rows;
          atCompaction = rows;
          pending = { rows: 0, fragments: 0 };
        }
      }
      return cost / size;
    };
    // Per written row the 1M import rewrites 2.1 rows and the 100k import 1.5 (the first
    // compactions fall on round sizes); with the earlier defaults (100k rows, share 0.25) the
    // 1M import rewrote 6.4 rows per row written, 4.3 times the 100k import's.
    expect(rewritten(100_000)).toBeCloseTo(1.5, 5);
    expect(rewritten(1_000_000)).toBeLessThan(2.2);
    expect(rewritten(1_000_000) / rewritten(100_000)).toBeLessThan(1.5);
  });

  it('builds the vector index from the minimum size and retrains it as the table grows', () => {
    const policy = { ...DEFAULT_POLICY, indexMinRows: 50_000, retrainGrowth: 4 };
    expect(vectorIndexDue(49_999, undefined, policy)).toBe(false);
    expect(vectorIndexDue(50_000, undefined, policy)).toBe(true);
    expect(vectorIndexDue(199_999, 50_000, policy)).toBe(false);
    expect(vectorIndexDue(200_000, 50_000, policy)).toBe(true);
    expect(vectorIndexDue(1e9, undefined, { ...policy, indexMinRows: 0 })).toBe(false);
    expect([partitionsFor(1000), partitionsFor(400_000), partitionsFor(10_000_000)]).toEqual([16, 100, 256]);
  });
});

describe('LanceDbStore compaction', () => {
  it('after many small upserts keeps versions and fragments bounded and every row at its latest value', async () => {
    const events: MaintenanceEvent[] = [];
    const s = await openStore({
      maintenance: { compactEveryRows: 40, compactEveryFragments: 0, pruneOlderThanMs: 0, indexMinRows: 0 },
      onMaintenance: (e) => events.push(e),
    });
    // 120 writes of 1-3 rows over 60 ids: every id is rewritten, some several times.
    const latest = new Map<string, number>();
    for (let i = 0; i < 120; i++) {
      const batch = Array.from({ length: 1 + (i % 3) }, (_, j) => {
        const id = `u${(i * 7 + j * 13) % 60}`;
        latest.set(id, i);
        return { id, vector: Float32Array.from({ length: DIM }, (_, d) => (d === i % DIM ? 1 : 0.1)), payload: { tier: 'free', write: i } };
      });
      await s.upsert('users', batch);
    }
    await s.delete('users', { ids: ['u0'] });
    latest.delete('u0');
    await s.optimize();
    // Triggered by rows written (240 rows / 40), not after every call.
    expect(events.filter((e) => e.kind === 'compact').length).toBeGreaterThanOrEqual(5);
    expect(events.filter((e) => e.kind === 'compact').length).toBeLessThan(20);

    const shape = await withTable(async (table) => ({
      fragments: (await table.stats()).fragmentStats.numFragments,
      versions: (await table.listVersions()).length,
    }));
    // 121 writes left alone would be 121+ versions and fragments.
    expect(shape.fragments).toBeLessThanOrEqual(2);
    expect(shape.versions).toBeLessThanOrEqual(3);

    expect(await s.count('users')).toBe(latest.size);
    const stored = await s.get('users', [...latest.keys()]);
    expect(Object.fromEntries(stored.map((r) => [r.id, r.payload.write]))).toEqual(Object.fromEntries(latest));
  });

  it('appends new ids and merges existing ones in one upsert', async () => {
    const s = await openStore({ maintenance: { compactEveryFragments: 2, pruneOlderThanMs: 0 } });
    await s.upsert('users', records(0, 50));
    await s.optimize(); // builds the id index
    const mixed = records(25, 50, 2).map((r) => ({ ...r, payload: { ...r.payload, second: true } }));
    await s.upsert('users', mixed);
    expect(await s.count('users')).toBe(75);
    const [old, updated, added] = await s.get('users', ['u10', 'u30', 'u70']);
    expect([old.payload.second, updated.payload.second, added.payload.second]).toEqual([undefined, true, true]);
  });
});

describe('LanceDbStore vector index', () => {
  async function indexedStore(): Promise<LanceDbStore> {
    const s = await openStore({ maintenance: { indexMinRows: 500, compactEveryRows: 0, compactEveryFragments: 0 }, search: { nprobes: 4 } });
    await s.upsert('users', records(0, 600));
    await s.optimize();
    const indices = await withTable((table) => table.listIndices());
    expect(indices.map((i) => [i.columns[0], i.indexType]).sort()).toEqual([
      ['id', 'BTree'],
      ['p_tier', 'BTree'],
      ['vector', 'IvfFlat'],
    ]);
    return s;
  }

  it('stays exact below the minimum size: no vector index is built', async () => {
    const s = await openStore({ maintenance: { indexMinRows: 1000, compactEveryRows: 0, compactEveryFragments: 0 } });
    await s.upsert('users', records(0, 600));
    await s.optimize();
    expect((await withTable((table) => table.listIndices())).map((i) => i.columns[0]).sort()).toEqual(['id', 'p_tier']);
  });

  it('finds rows written after the index was built, and rows moved by an upsert', async () => {
    const s = await indexedStore();
    const late = records(600, 30, 3);
    await s.upsert('users', late);
    expect(await withTable(async (table) => (await table.indexStats('vector_idx'))?.numUnindexedRows)).toBe(30);
    for (const r of late) {
      const [best] = await s.search('users', r.vector, { limit: 1 });
      expect(best.id).toBe(r.id);
      expect(best.score).toBeCloseTo(1, 5);
    }
    // An indexed row given a new vector is found at its new place, not its old one.
    const moved = { id: 'u5', vector: late[0].vector.map((x) => -x), payload: { tier: 'free' } };
    await s.upsert('users', [moved]);
    const [best] = await s.search('users', moved.vector, { limit: 1 });
    expect(best.id).toBe('u5');
    const near = await s.search('users', records(0, 6)[5].vector, { limit: 20 });
    expect(near.map((r) => r.id)).not.toContain('u5');
    // After compaction the late rows are in the index and still found.
    await s.optimize();
    expect(await withTable(async (table) => (await table.indexStats('vector_idx'))?.numUnindexedRows)).toBe(0);
    const [again] = await s.search('users', late[7].vector, { limit: 1 });
    expect(again.id).toBe(late[7].id);
  });

  it('returns only rows matching the filter, and every match of a narrow filter', async () => {
    const s = await indexedStore();
    const all = records(0, 600);
    for (const query of all.slice(0, 20)) {
      const pro = await s.search('users', query.vector, { limit: 10, filter: { must: [{ field: 'tier', eq: 'pro' }] } });
      expect(pro).toHaveLength(10);
      expect(pro.every((r) => r.payload.tier === 'pro')).toBe(true);
      const notPro = await s.search('users', query.vector, { limit: 10, filter: { mustNot: [{ field: 'tier', eq: 'pro' }] } });
      expect(notPro.every((r) => r.payload.tier !== 'pro')).toBe(true);
    }
    // One row with its own tier, far from the query: it is still the one answer.
    await s.setPayload('users', [{ id: 'u123', payload: { tier: 'rare' } }]);
    const far = all[123].vector.map((x) => -x);
    const rare = await s.search('users', far, { limit: 5, filter: { must: [{ field: 'tier', eq: 'rare' }] } });
    expect(rare.map((r) => r.id)).toEqual(['u123']);
  });
});
