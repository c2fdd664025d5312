import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QdrantStore } from '../../../src/store/qdrant-store.js';
import { StoreUsageError } from '../../../src/store/port.js';
import { describeStoreContract } from '../../contract/store.contract.js';
import { FakeQdrant } from './fake-qdrant.js';

/**
 * The store contract run against the Qdrant adapter talking to an in-memory fake of the REST
 * API. This checks the adapter's requests and response handling; only the real-server suite
 * (test/contract/qdrant.test.ts with QDRANT_URL) checks Qdrant itself.
 */
const fake = new FakeQdrant();
let url = '';

beforeAll(async () => {
  url = await fake.start();
});
afterAll(() => fake.stop());

describeStoreContract('qdrant adapter on a fake Qdrant', () => QdrantStore.open({ url, prefix: 'fake_' }));

describe('QdrantStore specifics (fake server)', () => {
  it('prefixes collection names and keeps a meta collection', async () => {
    const store = await QdrantStore.open({ url, prefix: 'pfx_' });
    await store.ensureCollection({ name: 'users', dimension: 3, indexedFields: [{ name: 'tags', type: 'keyword[]' }] });
    expect(fake.collections.has('pfx_users')).toBe(true);
    expect(fake.collections.has('pfx__meta')).toBe(true);
    expect(fake.collections.get('pfx_users')!.indexes.get('tags')).toBe('keyword');
    await store.upsert('users', [{ id: 'u1', vector: Float32Array.from([1, 0, 0]), payload: { tags: ['a'] } }]);
    const [point] = fake.collections.get('pfx_users')!.points.values();
    expect(point.payload).toEqual({ tags: ['a'], _id: 'u1' });
    expect((await store.get('users', ['u1']))[0].payload).toEqual({ tags: ['a'] });
    await store.close();
  });

  it('uses deterministic UUID point ids', async () => {
    const store = await QdrantStore.open({ url, prefix: 'ids_' });
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
    await store.upsert('c', [{ id: 'same', vector: Float32Array.from([1, 0]), payload: {} }]);
    await store.upsert('c', [{ id: 'same', vector: Float32Array.from([0, 1]), payload: {} }]);
    const ids = [...fake.collections.get('ids_c')!.points.keys()];
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await store.close();
  });

  it('accepts a URL with a path prefix (reverse proxy) and reports an unreachable server', async () => {
    await expect(QdrantStore.open({ url: `${url}/proxied`, prefix: 'p_' })).rejects.toThrow(/Qdrant/);
    await expect(QdrantStore.open({ url: 'http://127.0.0.1:9', prefix: 'p_', timeoutMs: 2000 })).rejects.toThrow();
    await expect(QdrantStore.open({ url, prefix: 'bad prefix' })).rejects.toBeInstanceOf(StoreUsageError);
  });

  it('turns a collection deleted behind its back into a StoreUsageError', async () => {
    const store = await QdrantStore.open({ url, prefix: 'gone_' });
    await store.ensureCollection({ name: 'c', dimension: 2, indexedFields: [] });
    fake.collections.delete('gone_c');
    await expect(store.count('c')).rejects.toBeInstanceOf(StoreUsageError);
    await store.close();
  });
});
