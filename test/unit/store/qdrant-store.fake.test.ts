import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QdrantStore, specPointId, type QdrantStoreOptions } from '../../../src/store/qdrant-store.js';
import { qdrantBaseUrl } from '../../../src/store/qdrant-http.js';
import { StoreUsageError } from '../../../src/store/port.js';
import { describeStoreContract } from '../../contract/store.contract.js';
import { FakeQdrant } from '../../support/fake-qdrant/fake-qdrant.js';

/**
 * The store contract run against the Qdrant adapter talking over HTTP to the spec-validated
 * fake (test/support/fake-qdrant), then the adapter's Qdrant-specific duties. Only the
 * real-server suite (test/contract/qdrant.test.ts with QDRANT_URL) checks Qdrant itself.
 */
const fake = new FakeQdrant();
let url = '';
const noWait = { sleep: async () => undefined };

beforeAll(async () => {
  url = await fake.start();
});
afterAll(async () => {
  await fake.stop();
  // Every answer the fake gave must be one Qdrant's spec allows.
  expect(fake.responseViolations).toEqual([]);
});

describeStoreContract('qdrant adapter on the fake Qdrant', () => QdrantStore.open({ url, prefix: 'fake_' }));

async function open(prefix: string, options: Partial<QdrantStoreOptions> = {}): Promise<QdrantStore> {
  return QdrantStore.open({ url, prefix, retry: noWait, ...options });
}

const vec = (...v: number[]) => Float32Array.from(v);

/** The physical collection a name leads to on the fake (through its alias). */
const physical = (name: string) => fake.collections.get(fake.aliases.get(name) ?? name)!;

describe('QdrantStore specifics (fake server)', () => {
  afterEach(() => {
    expect(fake.responseViolations).toEqual([]);
  });

  it('prefixes collection names and keeps a meta collection', async () => {
    const store = await open('pfx_');
    await store.ensureCollection({ name: 'users', dimension: 3, indexedFields: [{ name: 'tags', type: 'keyword[]' }] });
    // A new deployment addresses its collections through aliases of space v1.
    expect(fake.aliases.get('pfx_users')).toBe('pfx_users_v1');
    expect(fake.aliases.get('pfx__meta')).toBe('pfx__meta_v1');
    expect(fake.collections.has('pfx_users_v1')).toBe(true);
    expect(fake.collections.has('pfx__meta_v1')).toBe(true);
    expect(physical('pfx_users').indexes.get('tags')?.type).toBe('keyword');
    await store.upsert('users', [{ id: 'u1', vector: vec(1, 0, 0), payload: { tags: ['a'] } }]);
    const [point] = physical('pfx_users').points.values();
    expect(point!.payload).toEqual({ tags: ['a'], _id: 'u1' });
    expect((await store.get('users', ['u1']))[0]!.payload).toEqual({ tags: ['a'] });
    await store.close();
  });

  it('keeps each collection spec in its Qdrant collection metadata, and still reads one an older version kept in the meta collection', async () => {
    const store = await open('md_');
    const spec = { name: 'c', dimension: 2, indexedFields: [{ name: 'tag', type: 'keyword' as const }] };
    await store.ensureCollection(spec);
    expect(physical('md_c').metadata).toEqual({ segmentql_spec: spec });
    await store.upsert('c', [{ id: 'a', vector: vec(1, 0), payload: { tag: 'x' } }]);
    await store.close();
    // As an older version left it: no metadata, the spec as a point of the meta collection.
    physical('md_c').metadata = {};
    const response = await fetch(`${url}/collections/md__meta/points?wait=true`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ points: [{ id: specPointId('c'), vector: [1], payload: { kind: 'collection', spec } }] }),
    });
    expect(response.status).toBe(200);
    const reopened = await open('md_');
    expect(await reopened.count('c', { must: [{ field: 'tag', eq: 'x' }] })).toBe(1);
    await reopened.close();
  });

  describe('embedding spaces as collection aliases', () => {
    it('switches every collection and the meta with one POST /collections/aliases, then drops the old space', async () => {
      const store = await open('sw_');
      await store.ensureCollection({ name: 'users', dimension: 2, indexedFields: [] });
      await store.ensureCollection({ name: 'items', dimension: 2, indexedFields: [] });
      await store.writeMeta({ modelId: 'old', dimension: 2, createdAt: new Date(0).toISOString() });
      expect(await store.spaces()).toEqual({ live: 'v1', others: [] });
      const view = await store.openSpace('v2');
      await view.writeMeta({ modelId: 'new', dimension: 3, createdAt: new Date(0).toISOString() });
      await view.ensureCollection({ name: 'users', dimension: 3, indexedFields: [] });
      await view.ensureCollection({ name: 'items', dimension: 3, indexedFields: [] });
      // A view writes to the physical collections of its space, never through the live aliases.
      await view.upsert('users', [{ id: 'u', vector: vec(0, 0, 1), payload: {} }]);
      expect(physical('sw_users_v2').points.size).toBe(1);
      expect(physical('sw_users').points.size).toBe(0);

      const before = fake.requests.length;
      expect(await store.activateSpace('v2', ['users', 'items'], { keepPrevious: false })).toBe('v1');
      const seen = fake.requests.slice(before);
      const swaps = seen.map((r, i) => [r, fake.bodies[before + i]] as const).filter(([r]) => r.startsWith('POST /collections/aliases'));
      expect(swaps).toHaveLength(1);
      const actions = (JSON.parse(swaps[0]![1]!) as { actions: unknown[] }).actions;
      expect(actions).toEqual([
        { delete_alias: { alias_name: 'sw_users' } },
        { delete_alias: { alias_name: 'sw_items' } },
        { delete_alias: { alias_name: 'sw__meta' } },
        { create_alias: { alias_name: 'sw_users', collection_name: 'sw_users_v2' } },
        { create_alias: { alias_name: 'sw_items', collection_name: 'sw_items_v2' } },
        { create_alias: { alias_name: 'sw__meta', collection_name: 'sw__meta_v2' } },
      ]);
      // The old physical collections go after the swap, not before.
      const swapAt = seen.findIndex((r) => r.startsWith('POST /collections/aliases'));
      const drops = seen.map((r, i) => [r, i] as const).filter(([r]) => r.startsWith('DELETE /collections/'));
      expect(drops.map(([r]) => r.split('?')[0])).toEqual(['DELETE /collections/sw_users_v1', 'DELETE /collections/sw_items_v1', 'DELETE /collections/sw__meta_v1']);
      expect(drops.every(([, i]) => i > swapAt)).toBe(true);
      expect([...fake.collections.keys()].filter((n) => n.startsWith('sw_')).sort()).toEqual(['sw__meta_v2', 'sw_items_v2', 'sw_users_v2']);
      expect(await store.readMeta()).toMatchObject({ modelId: 'new', dimension: 3 });
      expect((await store.search('users', vec(0, 0, 1), { limit: 1 }))[0]!.id).toBe('u');
      // Another instance opening now finds the new space through the aliases.
      const other = await open('sw_');
      expect((await other.spaces()).live).toBe('v2');
      expect(await other.count('users')).toBe(1);
      await other.close();
      await store.close();
    });

    it('adopts collections from before aliases: serves them by their plain names, and gives the names to aliases at the first switch', async () => {
      // As an older version left them: plain collections, no aliases.
      for (const name of ['old_users', 'old__meta']) {
        await fetch(`${url}/collections/${name}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ vectors: { size: name === 'old__meta' ? 1 : 2, distance: 'Cosine' } }),
        });
      }
      const store = await open('old_');
      expect(await store.spaces()).toEqual({ live: '', others: [] });
      await store.ensureCollection({ name: 'users', dimension: 2, indexedFields: [] });
      expect(fake.aliases.has('old_users')).toBe(false);
      await store.upsert('users', [{ id: 'a', vector: vec(1, 0), payload: {} }]);
      expect(fake.collections.get('old_users')!.points.size).toBe(1);

      const view = await store.openSpace('v1');
      await view.writeMeta({ modelId: 'new', dimension: 2, createdAt: new Date(0).toISOString() });
      await view.ensureCollection({ name: 'users', dimension: 2, indexedFields: [] });
      await view.upsert('users', [{ id: 'b', vector: vec(0, 1), payload: {} }]);
      expect(await store.activateSpace('v1', ['users'], { keepPrevious: true })).toBe('');
      expect(fake.aliases.get('old_users')).toBe('old_users_v1');
      expect(fake.aliases.get('old__meta')).toBe('old__meta_v1');
      expect((await store.get('users', ['a', 'b'])).map((r) => r.id)).toEqual(['b']);
      expect(await store.spaces()).toEqual({ live: 'v1', others: [] });
      await store.close();
    });
  });

  it('uses deterministic UUID point ids', async () => {
    const store = await open('ids_');
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
    await store.upsert('c', [{ id: 'same', vector: vec(1, 0), payload: {} }]);
    await store.upsert('c', [{ id: 'same', vector: vec(0, 1), payload: {} }]);
    const ids = [...physical('ids_c').points.keys()];
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await store.close();
  });

  it('reports an unreachable server and a bad prefix', async () => {
    await expect(QdrantStore.open({ url: 'http://127.0.0.1:9', prefix: 'p_', timeoutMs: 2000, retry: { maxRetries: 0 } })).rejects.toThrow(/Qdrant/);
    await expect(QdrantStore.open({ url, prefix: 'bad prefix' })).rejects.toBeInstanceOf(StoreUsageError);
  });

  it('turns a collection deleted behind its back into a StoreUsageError', async () => {
    const store = await open('gone_');
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
    fake.collections.delete(fake.aliases.get('gone_c')!);
    await expect(store.count('c')).rejects.toBeInstanceOf(StoreUsageError);
    await store.close();
  });

  // Issue 9, finding 1: url.origin dropped :443/:80 and the client put 6333 in its place.
  describe('QDRANT_URL', () => {
    it('keeps the URL as written: default ports stay default, a proxy path stays', () => {
      expect(qdrantBaseUrl('https://qdrant.example.com/qdrant')).toBe('https://qdrant.example.com/qdrant');
      expect(qdrantBaseUrl('https://qdrant.example.com:443/')).toBe('https://qdrant.example.com');
      expect(qdrantBaseUrl('http://qdrant.internal')).toBe('http://qdrant.internal');
      expect(qdrantBaseUrl('http://localhost:6333')).toBe('http://localhost:6333');
      expect(qdrantBaseUrl('http://[::1]:6333/a/b/')).toBe('http://[::1]:6333/a/b');
      expect(() => qdrantBaseUrl('ftp://x')).toThrow(StoreUsageError);
      expect(() => qdrantBaseUrl('http://user:secret@x:6333')).toThrow(/QDRANT_API_KEY/);
    });

    it('talks to a Qdrant behind a reverse-proxy path, with its API key', async () => {
      const proxied = new FakeQdrant({ basePath: '/qdrant', apiKey: 'k-123' });
      const proxiedUrl = await proxied.start();
      try {
        expect(proxiedUrl).toMatch(/\/qdrant$/);
        await expect(QdrantStore.open({ url: proxiedUrl, prefix: 'p_', retry: { maxRetries: 0 } })).rejects.toThrow(/401/);
        const store = await QdrantStore.open({ url: proxiedUrl, apiKey: 'k-123', prefix: 'p_' });
        await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
        await store.upsert('c', [{ id: 'a', vector: vec(1, 0), payload: {} }]);
        expect(await store.count('c')).toBe(1);
        expect(proxied.responseViolations).toEqual([]);
      } finally {
        await proxied.stop();
      }
    });
  });

  // Finding 2: null keys went to delete_payload as JSON paths.
  it('removes payload keys with dots, spaces, colons and brackets literally, leaving nested keys alone', async () => {
    const store = await open('paths_');
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
    const payload = { 'a.b': 1, a: { b: 2 }, 'x y': 3, 'k:v': 4, 'arr[0]': 5, 'q"uote': 6, keep: 7 };
    await store.upsert('c', [{ id: 'r', vector: vec(1, 0), payload }]);
    await store.setPayload('c', [{ id: 'r', payload: { 'a.b': null, 'x y': null, 'k:v': null, 'arr[0]': null, 'q"uote': null } }]);
    const [record] = await store.get('c', ['r']);
    expect(record!.payload).toEqual({ a: { b: 2 }, keep: 7 });
    await store.close();
  });

  // Finding 3: with replicas, read-after-write needs every replica to acknowledge and ordered writes.
  it('creates replicated collections and sends ordering and consistency', async () => {
    const before = fake.requests.length;
    const store = await open('rep_', { shardNumber: 3, replicationFactor: 2 });
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [{ name: 'tag', type: 'keyword' }] });
    await store.upsert('c', [{ id: 'a', vector: vec(1, 0), payload: { tag: 'x' } }]);
    await store.setPayload('c', [{ id: 'a', payload: { tag: 'y' } }]);
    expect(await store.count('c', { must: [{ field: 'tag', eq: 'y' }] })).toBe(1);
    expect((await store.search('c', vec(1, 0), { limit: 1 }))[0]!.id).toBe('a');
    await store.delete('c', { ids: ['a'] });
    const c = physical('rep_c');
    expect([c.shardNumber, c.replicationFactor, c.writeConsistencyFactor]).toEqual([3, 2, 2]);
    const seen = fake.requests.slice(before);
    const writes = seen.filter((r) => /^(PUT \/collections\/[^/]+\/points|POST \/collections\/[^/]+\/points\/(batch|delete))\?/.test(r));
    const reads = seen.filter((r) => /^POST \/collections\/[^/]+\/points(\/(query|scroll|count))?\?/.test(r));
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const w of writes) expect(w).toMatch(/wait=true&ordering=strong&timeout=\d+/);
    for (const r of reads) expect(r).toMatch(/consistency=majority&timeout=\d+/);
    await store.close();
    await expect(open('rep2_', { replicationFactor: 2, writeConsistencyFactor: 3 })).rejects.toThrow(/exceeds/);
  });

  // Finding 4: UpdateResult.status was never checked; no server-side timeout.
  it('fails a write that Qdrant did not complete, and sends a server timeout with every request', async () => {
    const store = await open('status_', { timeoutMs: 10_000 });
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
    fake.failNext(/^PUT \/collections\/status_c\/points$/, 1, { updateStatus: 'wait_timeout' });
    await expect(store.upsert('c', [{ id: 'a', vector: vec(1, 0), payload: {} }])).rejects.toThrow(/not completed.*wait_timeout/);
    const mine = fake.requests.filter((r) => r.includes('/status_c/points'));
    expect(mine.length).toBeGreaterThan(0);
    for (const r of mine) expect(r).toMatch(/[?&]timeout=9(&|$)/);
    await store.close();
  });

  it('creates payload indexes without holding a request open, then waits until Qdrant reports them', async () => {
    const before = fake.requests.length;
    const store = await open('idx_');
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [{ name: 'n', type: 'integer' }] });
    // The fake applies unwaited writes only after a later request: the adapter must have polled.
    expect(physical('idx_c').indexes.get('n')?.type).toBe('integer');
    const seen = fake.requests.slice(before);
    // Indexes are made on the physical collection, not through its alias.
    expect(seen.find((r) => r.startsWith('PUT /collections/idx_c_v1/index'))).toMatch(/wait=false/);
    expect(seen.filter((r) => r === 'GET /collections/idx_c_v1').length).toBeGreaterThanOrEqual(2);
    await store.close();
  });

  // Finding 5: batches by count only, and ~19 characters per vector value.
  it('caps upsert requests by serialised size and writes vectors compactly', async () => {
    const small = new FakeQdrant({ maxRequestBytes: 1024 * 1024 });
    const smallUrl = await small.start();
    try {
      const store = await QdrantStore.open({ url: smallUrl, prefix: 'big_', maxRequestBytes: 900 * 1024 });
      const dim = 384;
      await store.ensureCollection({ name: 'c', dimension: dim, indexedFields: [] });
      const text = 'profile text '.repeat(4000); // ~52 KB per record: 256 of them would be ~13 MB
      const records = Array.from({ length: 60 }, (_, i) => ({
        id: `u${i}`,
        vector: Float32Array.from({ length: dim }, (_, j) => Math.sin(i * 7 + j) / 3),
        payload: { text },
      }));
      await store.upsert('c', records);
      expect(await store.count('c')).toBe(60);
      const upserts = small.bodies.filter((_, i) => small.requests[i]!.startsWith('PUT /collections/big_c/points'));
      expect(upserts.length).toBeGreaterThan(1);
      for (const body of upserts) expect(Buffer.byteLength(body!)).toBeLessThanOrEqual(900 * 1024 + 64);
      const first = JSON.parse(upserts[0]!) as { points: Array<{ vector: number[] }> };
      const vectorChars = JSON.stringify(first.points[0]!.vector).length;
      expect(vectorChars / dim).toBeLessThan(15); // was ~20 with Array.from(Float32Array)
      // Compact values still read back as the same float32 values.
      const [back] = await store.get('c', ['u1'], { withVector: true });
      const norm = Math.hypot(...records[1]!.vector);
      back!.vector!.forEach((x, j) => expect(x).toBeCloseTo(records[1]!.vector[j]! / norm, 6));
      expect(small.responseViolations).toEqual([]);
    } finally {
      await small.stop();
    }
  });

  // Finding 6: no retries.
  describe('retries', () => {
    it('retries 503 and connection resets, and honours Retry-After on 429', async () => {
      const waits: number[] = [];
      const store = await QdrantStore.open({ url, prefix: 'retry_', retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 } });
      await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
      fake.failNext(/^PUT \/collections\/retry_c\/points$/, 2, { status: 503 });
      await store.upsert('c', [{ id: 'a', vector: vec(1, 0), payload: {} }]);
      expect(waits).toEqual([100, 200]);
      fake.failNext(/^PUT \/collections\/retry_c\/points$/, 1, { reset: true, applyFirst: true });
      await store.upsert('c', [{ id: 'b', vector: vec(0, 1), payload: {} }]);
      fake.failNext(/^POST \/collections\/retry_c\/points\/count$/, 1, { status: 429, headers: { 'retry-after': '3' } });
      expect(await store.count('c')).toBe(2);
      expect(waits).toHaveLength(4);
      expect(waits.at(-1)).toBe(3000);
      await store.close();
    });

    it('does not retry a request Qdrant refused, and gives up after maxRetries', async () => {
      const store = await open('noretry_', { retry: { maxRetries: 2, sleep: async () => undefined } });
      await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
      const before = fake.requests.length;
      await store.upsert('c', [{ id: 'a', vector: vec(1, 0), payload: {} }]);
      fake.failNext(/^PUT \/collections\/noretry_c\/points$/, 1, { status: 400 });
      await expect(store.upsert('c', [{ id: 'c', vector: vec(1, 1), payload: {} }])).rejects.toThrow(/HTTP 400/);
      fake.failNext(/^PUT \/collections\/noretry_c\/points$/, 3, { status: 503 });
      await expect(store.upsert('c', [{ id: 'c', vector: vec(1, 1), payload: {} }])).rejects.toThrow(/HTTP 503/);
      const puts = fake.requests.slice(before).filter((r) => r.startsWith('PUT /collections/noretry_c/points'));
      expect(puts).toHaveLength(1 + 1 + 3);
      await store.close();
    });
  });

  // Finding 7: an existing collection with the right size but another distance was accepted.
  it('refuses an existing collection whose distance is not Cosine', async () => {
    for (const distance of ['Dot', 'Euclid']) {
      const response = await fetch(`${url}/collections/dist_${distance}_c`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vectors: { size: 4, distance } }),
      });
      expect(response.status).toBe(200);
      const store = await open(`dist_${distance}_`);
      await expect(store.ensureCollection({ name: 'c', dimension: 4, indexedFields: [] })).rejects.toThrow(new RegExp(`${distance} distance`));
      await store.close();
    }
  });
});
