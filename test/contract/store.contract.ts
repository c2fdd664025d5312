/**
 * The behaviour every VectorStore adapter must have. Adapter test files call
 * `describeStoreContract` with a factory; every call of the factory must open a store over
 * the same storage (same directory, same Qdrant prefix) so the suite can close and reopen it.
 *
 * Tests share one store, so each works in its own freshly named collection. The storage is
 * expected to start empty (the meta test checks that a new store has no meta).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StoreUsageError,
  type CollectionSpec,
  type Filter,
  type IndexedField,
  type Payload,
  type StoredRecord,
  type VectorRecord,
  type VectorStore,
} from '../../src/store/port.js';
import { nextSpaceId } from '../../src/store/spaces.js';

const DIM = 4;

/** Fields used by most tests: one of each indexed type. */
const FIELDS: IndexedField[] = [
  { name: 'tag', type: 'keyword' },
  { name: 'tags', type: 'keyword[]' },
  { name: 'n', type: 'integer' },
  { name: 'x', type: 'float' },
  { name: 'flag', type: 'bool' },
];

/** Ids that would break naive quoting or encoding somewhere. */
export const AWKWARD_IDS = [
  "o'brien",
  "''",
  '"double"',
  'back\\slash',
  "x'; DROP TABLE users; --",
  "' OR '1'='1",
  '%_like*?',
  'new\nline\ttab',
  'nul\u0000byte',
  'ünïcödé',
  '日本語のID',
  '😀 emoji',
  '\uFFFF',
  ' leading and trailing ',
  'a'.repeat(400),
  '0',
  '-1',
  'null',
];

function vec(...values: number[]): Float32Array {
  return Float32Array.from(values);
}

function unit(v: Float32Array): number[] {
  const norm = Math.hypot(...v);
  return [...v].map((x) => (norm === 0 ? 0 : x / norm));
}

function record(id: string, payload: Payload = {}, vector: Float32Array = vec(1, 0, 0, 0)): VectorRecord {
  return { id, vector, payload };
}

/** A unit vector at cosine `c` from e1 (in the e1/e2 plane). */
function atCosine(c: number): Float32Array {
  return vec(c, Math.sqrt(Math.max(0, 1 - c * c)), 0, 0);
}

function expectVectorClose(actual: Float32Array | undefined, expected: Float32Array): void {
  expect(actual).toBeInstanceOf(Float32Array);
  const want = unit(expected);
  expect(actual!.length).toBe(want.length);
  [...actual!].forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
}

export function describeStoreContract(name: string, makeStore: () => Promise<VectorStore>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let store: VectorStore;
    let counter = 0;

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      await store?.close();
    });

    /** Creates a fresh collection and returns its name. */
    async function collection(fields: IndexedField[] = FIELDS, dimension = DIM): Promise<string> {
      const spec: CollectionSpec = { name: `c${++counter}_${Date.now().toString(36)}`, dimension, indexedFields: fields };
      await store.ensureCollection(spec);
      return spec.name;
    }

    /** Every record matching the filter, read through scroll with a small page size. */
    async function scrollAll(c: string, filter?: Filter, limit = 3, withVector = false): Promise<StoredRecord[]> {
      const out: StoredRecord[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10_000; page++) {
        const result = await store.scroll(c, { limit, filter, cursor, withVector });
        expect(result.records.length).toBeLessThanOrEqual(limit);
        out.push(...result.records);
        if (result.nextCursor === undefined) return out;
        expect(result.records.length).toBe(limit);
        cursor = result.nextCursor;
      }
      throw new Error('scroll did not end');
    }

    /** Sorted ids matching a filter, checked to agree between scroll and count. */
    async function matching(c: string, filter: Filter): Promise<string[]> {
      const ids = (await scrollAll(c, filter)).map((r) => r.id).sort();
      expect(await store.count(c, filter)).toBe(ids.length);
      return ids;
    }

    it('reports a backend name and answers ping', async () => {
      expect(typeof store.backend).toBe('string');
      expect(store.backend.length).toBeGreaterThan(0);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('collections', () => {
      it('ensureCollection is idempotent and keeps data', async () => {
        const c = await collection();
        await store.upsert(c, [record('a')]);
        await store.ensureCollection({ name: c, dimension: DIM, indexedFields: FIELDS });
        await store.ensureCollection({ name: c, dimension: DIM, indexedFields: [...FIELDS].reverse() });
        expect(await store.count(c)).toBe(1);
      });

      it('refuses to reopen a collection with another dimension', async () => {
        const c = await collection();
        await expect(store.ensureCollection({ name: c, dimension: DIM + 1, indexedFields: FIELDS })).rejects.toBeInstanceOf(
          StoreUsageError,
        );
      });

      it('can add an indexed field to an existing collection', async () => {
        const c = await collection([{ name: 'tag', type: 'keyword' }]);
        await store.upsert(c, [record('a', { tag: 't', extra: 'e1' }), record('b', { tag: 't' })]);
        await expect(store.count(c, { must: [{ field: 'extra', eq: 'e1' }] })).rejects.toBeInstanceOf(StoreUsageError);
        await store.ensureCollection({
          name: c,
          dimension: DIM,
          indexedFields: [
            { name: 'tag', type: 'keyword' },
            { name: 'extra', type: 'keyword' },
          ],
        });
        expect(await matching(c, { must: [{ field: 'extra', eq: 'e1' }] })).toEqual(['a']);
        expect(await matching(c, { must: [{ field: 'tag', eq: 't' }] })).toEqual(['a', 'b']);
      });

      it('rejects invalid specs', async () => {
        await expect(store.ensureCollection({ name: 'bad name!', dimension: DIM, indexedFields: [] })).rejects.toBeInstanceOf(
          StoreUsageError,
        );
        await expect(store.ensureCollection({ name: 'okname', dimension: 0, indexedFields: [] })).rejects.toBeInstanceOf(
          StoreUsageError,
        );
      });

      it('rejects operations on a collection that was never created', async () => {
        const missing = `missing${Date.now().toString(36)}`;
        await expect(store.upsert(missing, [record('a')])).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.get(missing, ['a'])).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.count(missing)).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.search(missing, vec(1, 0, 0, 0), { limit: 1 })).rejects.toBeInstanceOf(StoreUsageError);
      });
    });

    describe('upsert and get', () => {
      it('round-trips payloads and (normalised) vectors', async () => {
        const c = await collection();
        const payload = {
          tag: 'red',
          tags: ['a', 'b'],
          n: 42,
          x: 0.25,
          flag: true,
          nested: { deep: [1, 'two', { three: null }], empty: {} },
          text: 'naïve café – “quotes” \'single\' \\ back',
          nothing: null,
          big: 2 ** 53 - 1,
          negative: -0.5,
        };
        await store.upsert(c, [record('r1', payload, vec(3, 4, 0, 0)), record('r2', {}, vec(0, 0, 0, 2))]);

        const [withoutVector] = await store.get(c, ['r1']);
        expect(withoutVector).toEqual({ id: 'r1', payload });
        expect(withoutVector.vector).toBeUndefined();

        const got = await store.get(c, ['r2', 'r1'], { withVector: true });
        expect(got.map((r) => r.id)).toEqual(['r2', 'r1']);
        expect(got[1].payload).toEqual(payload);
        expectVectorClose(got[0].vector, vec(0, 0, 0, 2));
        expectVectorClose(got[1].vector, vec(3, 4, 0, 0));
      });

      it('returns records in the order asked, leaving out unknown ids and repeats', async () => {
        const c = await collection();
        await store.upsert(c, ['a', 'b', 'c', 'd'].map((id) => record(id, { i: id })));
        const got = await store.get(c, ['d', 'nope', 'b', 'd', 'a']);
        expect(got.map((r) => r.id)).toEqual(['d', 'b', 'a']);
        expect(got.map((r) => r.payload.i)).toEqual(['d', 'b', 'a']);
        expect(await store.get(c, ['nope'])).toEqual([]);
      });

      it('existingIds answers which ids are stored, in the order asked, through deletes and re-inserts', async () => {
        const c = await collection();
        expect(await store.existingIds(c, ['a', 'b'])).toEqual([]);
        expect(await store.existingIds(c, [])).toEqual([]);
        await store.upsert(c, ['a', 'b', 'c', ...AWKWARD_IDS].map((id) => record(id)));
        expect(await store.existingIds(c, ['c', 'nope', 'a', 'c'])).toEqual(['c', 'a', 'c']);
        expect(await store.existingIds(c, AWKWARD_IDS)).toEqual(AWKWARD_IDS);
        await store.delete(c, { ids: ['a'] });
        expect(await store.existingIds(c, ['a', 'b'])).toEqual(['b']);
        // Back after a delete, and mixed with new ids in one call: one record per id.
        await store.upsert(c, [record('a', { v: 2 }), record('b', { v: 3 }), record('d', { v: 4 })]);
        expect(await store.existingIds(c, ['a', 'b', 'd'])).toEqual(['a', 'b', 'd']);
        expect(await store.count(c)).toBe(4 + AWKWARD_IDS.length);
        expect((await store.get(c, ['a', 'b', 'd'])).map((r) => r.payload.v)).toEqual([2, 3, 4]);
        await store.delete(c, { filter: { must: [{ field: 'tag', eq: 'never' }] } });
        expect(await store.count(c)).toBe(4 + AWKWARD_IDS.length);
      });

      it('stream reads every matching record once, with or without vectors', async () => {
        const c = await collection();
        const n = 2600; // more than one batch on every backend
        for (let i = 0; i < n; i += 1000) {
          await store.upsert(c, Array.from({ length: Math.min(1000, n - i) }, (_, j) => record(`r${i + j}`, { n: i + j, tag: (i + j) % 2 === 0 ? 'even' : 'odd' }, vec(1, (i + j) / n, 0, 0))));
        }
        await store.delete(c, { ids: ['r5'] });
        const seen = new Map<string, StoredRecord>();
        for await (const batch of store.stream(c, { withVector: true })) {
          for (const r of batch) {
            expect(seen.has(r.id)).toBe(false);
            seen.set(r.id, r);
          }
        }
        expect(seen.size).toBe(n - 1);
        expect(seen.has('r5')).toBe(false);
        expect(seen.get('r7')!.payload).toEqual({ n: 7, tag: 'odd' });
        expectVectorClose(seen.get('r7')!.vector, vec(1, 7 / n, 0, 0));
        const evens: string[] = [];
        for await (const batch of store.stream(c, { filter: { must: [{ field: 'tag', eq: 'even' }] } })) {
          for (const r of batch) {
            expect(r.vector).toBeUndefined();
            evens.push(r.id);
          }
        }
        expect(evens).toHaveLength(n / 2);
        for await (const batch of store.stream(c, { filter: { must: [{ field: 'tag', in: [] }] } })) expect(batch).toEqual([]);
      });

      it('replaces the whole payload and vector of an existing id', async () => {
        const c = await collection();
        await store.upsert(c, [record('a', { tag: 'old', keep: 1 }, vec(1, 0, 0, 0))]);
        await store.upsert(c, [record('a', { tag: 'new' }, vec(0, 1, 0, 0))]);
        const [a] = await store.get(c, ['a'], { withVector: true });
        expect(a.payload).toEqual({ tag: 'new' });
        expectVectorClose(a.vector, vec(0, 1, 0, 0));
        expect(await store.count(c)).toBe(1);
        expect(await matching(c, { must: [{ field: 'tag', eq: 'old' }] })).toEqual([]);
        expect(await matching(c, { must: [{ field: 'tag', eq: 'new' }] })).toEqual(['a']);
      });

      it('keeps the last record when one call repeats an id', async () => {
        const c = await collection();
        await store.upsert(c, [record('a', { v: 1 }), record('b', { v: 2 }), record('a', { v: 3 })]);
        expect(await store.count(c)).toBe(2);
        expect((await store.get(c, ['a']))[0].payload).toEqual({ v: 3 });
      });

      it('rejects a wrong dimension without writing any record of the call', async () => {
        const c = await collection();
        await expect(store.upsert(c, [record('ok'), record('bad', {}, vec(1, 0, 0))])).rejects.toBeInstanceOf(
          StoreUsageError,
        );
        await expect(store.upsert(c, [record('long', {}, vec(1, 0, 0, 0, 0))])).rejects.toBeInstanceOf(StoreUsageError);
        expect(await store.count(c)).toBe(0);
      });

      it('rejects non-finite vector values', async () => {
        const c = await collection();
        await expect(store.upsert(c, [record('a', {}, vec(1, Number.NaN, 0, 0))])).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.upsert(c, [record('a', {}, vec(Infinity, 0, 0, 0))])).rejects.toBeInstanceOf(StoreUsageError);
      });

      it('rejects indexed payload fields of the wrong type and the reserved _id key', async () => {
        const c = await collection();
        const bad: Payload[] = [{ tag: 5 }, { tags: 'not-an-array' }, { tags: ['a', 1] }, { n: 1.5 }, { x: 'x' }, { flag: 'yes' }, { _id: 'x' }];
        for (const payload of bad) {
          await expect(store.upsert(c, [record('a', payload)]), JSON.stringify(payload)).rejects.toBeInstanceOf(
            StoreUsageError,
          );
        }
        expect(await store.count(c)).toBe(0);
        // Unindexed fields may hold anything JSON can.
        await store.upsert(c, [record('a', { other: [1, { x: 'y' }], tag: null })]);
        expect((await store.get(c, ['a']))[0].payload).toEqual({ other: [1, { x: 'y' }], tag: null });
      });

      it('writes and reads large batches', async () => {
        const c = await collection();
        const records = Array.from({ length: 2500 }, (_, i) => record(`id-${i}`, { n: i }, vec(1, i, 0, 0)));
        await store.upsert(c, records);
        expect(await store.count(c)).toBe(2500);
        const ids = records.map((r) => r.id).reverse();
        const got = await store.get(c, ids);
        expect(got.map((r) => r.id)).toEqual(ids);
        await store.delete(c, { ids: ids.slice(0, 1500) });
        expect(await store.count(c)).toBe(1000);
      });

      it('treats empty inputs as no-ops', async () => {
        const c = await collection();
        await store.upsert(c, []);
        expect(await store.get(c, [])).toEqual([]);
        await store.setPayload(c, []);
        await store.delete(c, { ids: [] });
        expect(await store.count(c)).toBe(0);
        expect(await store.search(c, vec(1, 0, 0, 0), { limit: 5 })).toEqual([]);
        expect(await store.scroll(c, { limit: 5 })).toEqual({ records: [] });
        expect(await store.search(c, vec(1, 0, 0, 0), { limit: 0 })).toEqual([]);
      });
    });

    describe('ids', () => {
      it('round-trips awkward ids through every operation', async () => {
        const c = await collection();
        await store.upsert(
          c,
          AWKWARD_IDS.map((id, i) => record(id, { tag: id, n: i }, vec(1, i / 10, 0, 0))),
        );
        expect(await store.count(c)).toBe(AWKWARD_IDS.length);
        const got = await store.get(c, AWKWARD_IDS);
        expect(got.map((r) => r.id)).toEqual(AWKWARD_IDS);
        expect(got.map((r) => r.payload.tag)).toEqual(AWKWARD_IDS);

        const scrolled = await scrollAll(c, undefined, 2);
        expect(scrolled.map((r) => r.id).sort()).toEqual([...AWKWARD_IDS].sort());

        for (const id of AWKWARD_IDS) {
          expect(await matching(c, { must: [{ field: 'tag', eq: id }] }), id).toEqual([id]);
        }
        expect(await matching(c, { must: [{ field: 'tag', in: AWKWARD_IDS.slice(0, 5) }] })).toEqual(
          AWKWARD_IDS.slice(0, 5).sort(),
        );

        await store.setPayload(c, [{ id: "o'brien", payload: { extra: true } }]);
        expect((await store.get(c, ["o'brien"]))[0].payload).toEqual({ tag: "o'brien", n: 0, extra: true });

        await store.delete(c, { ids: ["x'; DROP TABLE users; --", "' OR '1'='1"] });
        expect(await store.count(c)).toBe(AWKWARD_IDS.length - 2);
        expect(await store.get(c, ["' OR '1'='1"])).toEqual([]);
      });

      it('rejects empty ids', async () => {
        const c = await collection();
        await expect(store.upsert(c, [record('')])).rejects.toBeInstanceOf(StoreUsageError);
      });
    });

    describe('recommend', () => {
      it('moves towards positive and away from negative examples, leaving the examples out', async () => {
        const c = await collection();
        await store.upsert(c, [
          record('liked', { tag: 'a' }, vec(1, 0, 0, 0)),
          record('liked2', { tag: 'a' }, vec(0.9, 0.1, 0, 0)),
          record('disliked', { tag: 'b' }, vec(0, 1, 0, 0)),
          record('near-liked', { tag: 'a' }, vec(1, 0.05, 0, 0)),
          record('near-disliked', { tag: 'b' }, vec(0.2, 1, 0, 0)),
          record('other', { tag: 'b' }, vec(0, 0, 1, 0)),
        ]);
        const hits = await store.recommend(c, { positive: ['liked', 'liked2'], negative: ['disliked'], limit: 10 });
        const ids = hits.map((h) => h.id);
        expect(ids[0]).toBe('near-liked');
        expect(ids).not.toContain('liked');
        expect(ids).not.toContain('liked2');
        expect(ids).not.toContain('disliked');
        expect(ids.indexOf('near-disliked')).toBeGreaterThan(ids.indexOf('other'));
        for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);

        const filtered = await store.recommend(c, { positive: ['liked'], negative: ['disliked'], limit: 2, filter: { must: [{ field: 'tag', eq: 'b' }] } });
        // Query 2·(1,0,0,0) − (0,1,0,0): "other" scores 0, "near-disliked" below 0.
        expect(filtered.map((h) => h.id)).toEqual(['other', 'near-disliked']);
      });

      it('answers nothing without known positive examples', async () => {
        const c = await collection();
        await store.upsert(c, [record('a', {}, vec(1, 0, 0, 0))]);
        expect(await store.recommend(c, { positive: [], negative: ['a'], limit: 5 })).toEqual([]);
        expect(await store.recommend(c, { positive: ['ghost'], negative: [], limit: 5 })).toEqual([]);
      });
    });

    describe('search', () => {
      async function seeded(): Promise<string> {
        const c = await collection();
        await store.upsert(c, [
          record('same', { tag: 'a', n: 1 }, atCosine(1)),
          record('c09', { tag: 'b', n: 2 }, atCosine(0.9)),
          record('c05', { tag: 'a', n: 3 }, atCosine(0.5)),
          record('c00', { tag: 'b', n: 4 }, vec(0, 0, 1, 0)),
          record('opposite', { tag: 'a', n: 5 }, vec(-1, 0, 0, 0)),
          // Scaled copies: cosine ignores length.
          record('scaled', { tag: 'c', n: 6 }, vec(7 * 0.8, 7 * 0.6, 0, 0)),
        ]);
        return c;
      }

      it('orders by cosine similarity with exact scores', async () => {
        const c = await seeded();
        const hits = await store.search(c, vec(2, 0, 0, 0), { limit: 10 });
        expect(hits.map((h) => h.id)).toEqual(['same', 'c09', 'scaled', 'c05', 'c00', 'opposite']);
        const expected = [1, 0.9, 0.8, 0.5, 0, -1];
        hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i], 4));
        expect(hits[0].payload).toEqual({ tag: 'a', n: 1 });
        expect(hits[0].vector).toBeUndefined();
      });

      it('honours limit, filters and withVector', async () => {
        const c = await seeded();
        const top2 = await store.search(c, vec(1, 0, 0, 0), { limit: 2 });
        expect(top2.map((h) => h.id)).toEqual(['same', 'c09']);

        const onlyA = await store.search(c, vec(1, 0, 0, 0), { limit: 10, filter: { must: [{ field: 'tag', eq: 'a' }] } });
        expect(onlyA.map((h) => h.id)).toEqual(['same', 'c05', 'opposite']);

        // The filter applies before the limit: the best match outside the filter does not eat a slot.
        const notA = await store.search(c, vec(1, 0, 0, 0), {
          limit: 1,
          filter: { mustNot: [{ field: 'tag', eq: 'a' }] },
        });
        expect(notA.map((h) => h.id)).toEqual(['c09']);

        const [withVector] = await store.search(c, vec(0, 0, 5, 0), { limit: 1, withVector: true });
        expect(withVector.id).toBe('c00');
        expectVectorClose(withVector.vector, vec(0, 0, 1, 0));
      });

      it('scores a zero vector 0 and keeps it searchable', async () => {
        const c = await collection();
        await store.upsert(c, [record('zero', {}, vec(0, 0, 0, 0)), record('neg', {}, vec(-1, 0, 0, 0))]);
        const hits = await store.search(c, vec(1, 0, 0, 0), { limit: 5 });
        expect(hits.map((h) => h.id)).toEqual(['zero', 'neg']);
        expect(hits[0].score).toBeCloseTo(0, 5);
      });

      it('rejects a query vector of the wrong dimension and bad limits', async () => {
        const c = await seeded();
        await expect(store.search(c, vec(1, 0, 0), { limit: 1 })).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.search(c, vec(1, 0, 0, 0), { limit: -1 })).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.search(c, vec(1, 0, 0, 0), { limit: 1.5 })).rejects.toBeInstanceOf(StoreUsageError);
      });
    });

    describe('filters', () => {
      let c: string;
      beforeAll(async () => {
        c = await collection();
        await store.upsert(c, [
          record('p1', { tag: 'red', tags: ['x', 'y'], n: 1, x: 0.5, flag: true }),
          record('p2', { tag: 'blue', tags: ['y'], n: 2, x: 1.5, flag: false }),
          record('p3', { tag: 'red', tags: [], n: 3, x: -2.25 }),
          record('p4', { tags: ['z'], n: null, x: 10 }),
          record('p5', { tag: null, flag: true, unindexed: 'red' }),
          record('p6', { tag: "it's", tags: ["it's", 'x'], n: -7, x: 0 }),
        ]);
      });

      it('eq on keyword, integer, float and bool fields', async () => {
        expect(await matching(c, { must: [{ field: 'tag', eq: 'red' }] })).toEqual(['p1', 'p3']);
        expect(await matching(c, { must: [{ field: 'tag', eq: "it's" }] })).toEqual(['p6']);
        expect(await matching(c, { must: [{ field: 'n', eq: 2 }] })).toEqual(['p2']);
        expect(await matching(c, { must: [{ field: 'x', eq: 1.5 }] })).toEqual(['p2']);
        expect(await matching(c, { must: [{ field: 'x', eq: 0 }] })).toEqual(['p6']);
        expect(await matching(c, { must: [{ field: 'flag', eq: true }] })).toEqual(['p1', 'p5']);
        expect(await matching(c, { must: [{ field: 'flag', eq: false }] })).toEqual(['p2']);
      });

      it('eq and in on keyword[] fields mean "contains"', async () => {
        expect(await matching(c, { must: [{ field: 'tags', eq: 'y' }] })).toEqual(['p1', 'p2']);
        expect(await matching(c, { must: [{ field: 'tags', eq: 'x' }] })).toEqual(['p1', 'p6']);
        expect(await matching(c, { must: [{ field: 'tags', in: ['z', "it's"] }] })).toEqual(['p4', 'p6']);
        expect(await matching(c, { must: [{ field: 'tags', eq: 'nope' }] })).toEqual([]);
      });

      it('in on scalar fields', async () => {
        expect(await matching(c, { must: [{ field: 'tag', in: ['red', 'blue'] }] })).toEqual(['p1', 'p2', 'p3']);
        expect(await matching(c, { must: [{ field: 'n', in: [1, 3, 99] }] })).toEqual(['p1', 'p3']);
        expect(await matching(c, { must: [{ field: 'x', in: [0.5, 10] }] })).toEqual(['p1', 'p4']);
        expect(await matching(c, { must: [{ field: 'flag', in: [false] }] })).toEqual(['p2']);
        expect(await matching(c, { must: [{ field: 'flag', in: [true, false] }] })).toEqual(['p1', 'p2', 'p5']);
      });

      it('in with no values matches nothing, and excludes nothing in mustNot', async () => {
        expect(await matching(c, { must: [{ field: 'tag', in: [] }] })).toEqual([]);
        expect(await matching(c, { mustNot: [{ field: 'tag', in: [] }] })).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
      });

      it('isNull matches absent and null values (and empty keyword arrays)', async () => {
        expect(await matching(c, { must: [{ field: 'tag', isNull: true }] })).toEqual(['p4', 'p5']);
        expect(await matching(c, { must: [{ field: 'tag', isNull: false }] })).toEqual(['p1', 'p2', 'p3', 'p6']);
        expect(await matching(c, { must: [{ field: 'n', isNull: true }] })).toEqual(['p4', 'p5']);
        expect(await matching(c, { must: [{ field: 'flag', isNull: true }] })).toEqual(['p3', 'p4', 'p6']);
        expect(await matching(c, { must: [{ field: 'tags', isNull: true }] })).toEqual(['p3', 'p5']);
        expect(await matching(c, { mustNot: [{ field: 'tags', isNull: true }] })).toEqual(['p1', 'p2', 'p4', 'p6']);
      });

      it('range is inclusive and works on integer and float fields', async () => {
        expect(await matching(c, { must: [{ field: 'n', range: { gte: 1, lte: 3 } }] })).toEqual(['p1', 'p2', 'p3']);
        expect(await matching(c, { must: [{ field: 'n', range: { gte: 1.5 } }] })).toEqual(['p2', 'p3']);
        expect(await matching(c, { must: [{ field: 'n', range: { lte: 2.5 } }] })).toEqual(['p1', 'p2', 'p6']);
        expect(await matching(c, { must: [{ field: 'x', range: { gte: -2.25, lte: 0.5 } }] })).toEqual(['p1', 'p3', 'p6']);
        expect(await matching(c, { must: [{ field: 'x', range: { gte: 1e-7 } }] })).toEqual(['p1', 'p2', 'p4']);
        expect(await matching(c, { must: [{ field: 'x', range: { lte: 1e300 } }] })).toEqual(['p1', 'p2', 'p3', 'p4', 'p6']);
      });

      it('mustNot keeps records that lack the field', async () => {
        expect(await matching(c, { mustNot: [{ field: 'tag', eq: 'red' }] })).toEqual(['p2', 'p4', 'p5', 'p6']);
        expect(await matching(c, { mustNot: [{ field: 'n', range: { gte: 2 } }] })).toEqual(['p1', 'p4', 'p5', 'p6']);
        expect(await matching(c, { mustNot: [{ field: 'tags', in: ['x', 'z'] }] })).toEqual(['p2', 'p3', 'p5']);
      });

      it('combines must and mustNot conditions with AND', async () => {
        expect(
          await matching(c, {
            must: [
              { field: 'tags', eq: 'x' },
              { field: 'n', range: { lte: 5 } },
            ],
            mustNot: [{ field: 'flag', eq: true }],
          }),
        ).toEqual(['p6']);
        expect(await matching(c, {})).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
        expect(await matching(c, { must: [], mustNot: [] })).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
      });

      it('rejects filters on unindexed fields and malformed conditions', async () => {
        const bad: Filter[] = [
          { must: [{ field: 'unindexed', eq: 'red' }] },
          { mustNot: [{ field: 'nope', isNull: true }] },
          { must: [{ field: 'tag', eq: 'a', in: ['b'] }] },
          { must: [{ field: 'tag' }] },
          { must: [{ field: 'tag', eq: 5 }] },
          { must: [{ field: 'n', eq: 'one' }] },
          { must: [{ field: 'n', eq: 1.5 }] },
          { must: [{ field: 'flag', eq: 'true' }] },
          { must: [{ field: 'tag', range: { gte: 1 } }] },
          { must: [{ field: 'n', range: {} }] },
          { must: [{ field: 'tags', in: ['a', 3] }] },
        ];
        for (const filter of bad) {
          const label = JSON.stringify(filter);
          await expect(store.count(c, filter), label).rejects.toBeInstanceOf(StoreUsageError);
          await expect(store.scroll(c, { limit: 5, filter }), label).rejects.toBeInstanceOf(StoreUsageError);
          await expect(store.search(c, vec(1, 0, 0, 0), { limit: 5, filter }), label).rejects.toBeInstanceOf(
            StoreUsageError,
          );
          await expect(store.delete(c, { filter }), label).rejects.toBeInstanceOf(StoreUsageError);
        }
        expect(await store.count(c)).toBe(6);
      });
    });

    describe('scroll', () => {
      it('pages through every record exactly once in a stable order', async () => {
        const c = await collection();
        const ids = Array.from({ length: 37 }, (_, i) => `r${(i * 7919) % 1000}-${i}`);
        await store.upsert(c, ids.map((id, i) => record(id, { n: i, tag: i % 3 === 0 ? 'third' : 'other' })));

        for (const limit of [1, 2, 5, 36, 37, 38, 100]) {
          const all = await scrollAll(c, undefined, limit);
          expect(all.map((r) => r.id).sort(), `limit ${limit}`).toEqual([...ids].sort());
          expect(new Set(all.map((r) => r.id)).size).toBe(ids.length);
        }
        const first = (await scrollAll(c, undefined, 4)).map((r) => r.id);
        const second = (await scrollAll(c, undefined, 7)).map((r) => r.id);
        const single = (await store.scroll(c, { limit: 1000 })).records.map((r) => r.id);
        expect(second).toEqual(first);
        expect(single).toEqual(first);
      });

      it('omits nextCursor on the last page, also when it is exactly full', async () => {
        const c = await collection();
        await store.upsert(c, ['a', 'b', 'c', 'd'].map((id) => record(id)));
        const page1 = await store.scroll(c, { limit: 2 });
        expect(page1.records).toHaveLength(2);
        expect(page1.nextCursor).toEqual(expect.any(String));
        const page2 = await store.scroll(c, { limit: 2, cursor: page1.nextCursor });
        expect(page2.records).toHaveLength(2);
        expect(page2.nextCursor).toBeUndefined();
        expect((await store.scroll(c, { limit: 4 })).nextCursor).toBeUndefined();
      });

      it('pages with a filter and returns payloads and vectors', async () => {
        const c = await collection();
        const ids = Array.from({ length: 20 }, (_, i) => `id${i}`);
        await store.upsert(c, ids.map((id, i) => record(id, { n: i, tag: i % 2 === 0 ? 'even' : 'odd' }, vec(1, i, 0, 0))));
        const even = await scrollAll(c, { must: [{ field: 'tag', eq: 'even' }] }, 3, true);
        expect(even.map((r) => r.id).sort()).toEqual(ids.filter((_, i) => i % 2 === 0).sort());
        for (const r of even) {
          const i = Number(r.id.slice(2));
          expect(r.payload).toEqual({ n: i, tag: 'even' });
          expectVectorClose(r.vector, vec(1, i, 0, 0));
        }
        const withoutVectors = await store.scroll(c, { limit: 2 });
        expect(withoutVectors.records[0].vector).toBeUndefined();
      });

      it('does not skip or repeat records when others are deleted or added between pages', async () => {
        const c = await collection();
        const ids = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`);
        await store.upsert(c, ids.map((id) => record(id)));
        const seen: string[] = [];
        let page = await store.scroll(c, { limit: 4 });
        seen.push(...page.records.map((r) => r.id));
        // Delete two records already seen and two not yet seen.
        const unseen = ids.filter((id) => !seen.includes(id));
        await store.delete(c, { ids: [seen[0], seen[1], unseen[0], unseen[1]] });
        while (page.nextCursor !== undefined) {
          page = await store.scroll(c, { limit: 4, cursor: page.nextCursor });
          seen.push(...page.records.map((r) => r.id));
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort()).toEqual(ids.filter((id) => id !== unseen[0] && id !== unseen[1]).sort());
      });

      it('rejects a non-positive page size and a malformed cursor', async () => {
        const c = await collection();
        await store.upsert(c, [record('a')]);
        await expect(store.scroll(c, { limit: 0 })).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.scroll(c, { limit: 1, cursor: 'not a cursor!' })).rejects.toBeInstanceOf(StoreUsageError);
      });
    });

    describe('setPayload', () => {
      it('merges keys, removes keys set to null and keeps the vector', async () => {
        const c = await collection();
        await store.upsert(c, [record('a', { tag: 'old', keep: 'me', gone: 1, tags: ['x'] }, vec(0, 3, 0, 0))]);
        await store.setPayload(c, [{ id: 'a', payload: { tag: 'new', gone: null, added: { deep: true } } }]);
        const [a] = await store.get(c, ['a'], { withVector: true });
        expect(a.payload).toEqual({ tag: 'new', keep: 'me', tags: ['x'], added: { deep: true } });
        expectVectorClose(a.vector, vec(0, 1, 0, 0));
        const [hit] = await store.search(c, vec(0, 1, 0, 0), { limit: 1 });
        expect(hit.id).toBe('a');
        expect(hit.score).toBeCloseTo(1, 5);
      });

      it('removes keys set to null literally, whatever characters they hold', async () => {
        const c = await collection();
        const payload = { 'a.b': 1, a: { b: 2 }, 'x y': 3, 'k:v': 4, 'arr[0]': 5, 'q"uote': 6, 'back\\slash': 7, '': 8, keep: 9 };
        await store.upsert(c, [record('a', payload)]);
        const removed = Object.fromEntries(Object.keys(payload).filter((k) => k !== 'a' && k !== 'keep').map((k) => [k, null]));
        await store.setPayload(c, [{ id: 'a', payload: removed }]);
        const [a] = await store.get(c, ['a']);
        expect(a.payload).toEqual({ a: { b: 2 }, keep: 9 });
      });

      it('updates what filters see', async () => {
        const c = await collection();
        await store.upsert(c, [record('a', { tag: 'old', tags: ['s1'], n: 1 }), record('b', { tag: 'old', tags: ['s1'], n: 2 })]);
        await store.setPayload(c, [
          { id: 'a', payload: { tag: 'new', tags: ['s1', 's2'], n: 10 } },
          { id: 'b', payload: { tag: null, tags: null } },
        ]);
        expect(await matching(c, { must: [{ field: 'tag', eq: 'old' }] })).toEqual([]);
        expect(await matching(c, { must: [{ field: 'tag', eq: 'new' }] })).toEqual(['a']);
        expect(await matching(c, { must: [{ field: 'tags', eq: 's2' }] })).toEqual(['a']);
        expect(await matching(c, { must: [{ field: 'tags', isNull: true }] })).toEqual(['b']);
        expect(await matching(c, { must: [{ field: 'tag', isNull: true }] })).toEqual(['b']);
        expect(await matching(c, { must: [{ field: 'n', range: { gte: 5 } }] })).toEqual(['a']);
        const hits = await store.search(c, vec(1, 0, 0, 0), { limit: 5, filter: { must: [{ field: 'tag', eq: 'new' }] } });
        expect(hits.map((h) => h.id)).toEqual(['a']);
      });

      it('applies several updates of one id in order and ignores unknown ids', async () => {
        const c = await collection();
        await store.upsert(c, [record('a', { v: 0 })]);
        await store.setPayload(c, [
          { id: 'a', payload: { v: 1, w: 1 } },
          { id: 'ghost', payload: { v: 9 } },
          { id: 'a', payload: { v: 2, w: null } },
        ]);
        expect((await store.get(c, ['a']))[0].payload).toEqual({ v: 2 });
        expect(await store.get(c, ['ghost'])).toEqual([]);
        expect(await store.count(c)).toBe(1);
        await store.setPayload(c, [{ id: 'ghost-only', payload: { v: 1 } }]);
        expect(await store.count(c)).toBe(1);
      });

      it('shares one patch across many records', async () => {
        const c = await collection();
        const ids = Array.from({ length: 30 }, (_, i) => `m${i}`);
        await store.upsert(c, ids.map((id, i) => record(id, { n: i })));
        await store.setPayload(c, ids.map((id) => ({ id, payload: { tags: ['seg-1'] } })));
        expect(await matching(c, { must: [{ field: 'tags', eq: 'seg-1' }] })).toEqual([...ids].sort());
        const got = await store.get(c, ids);
        got.forEach((r, i) => expect(r.payload).toEqual({ n: i, tags: ['seg-1'] }));
      });

      it('rejects patches that give indexed fields the wrong type', async () => {
        const c = await collection();
        await store.upsert(c, [record('a', { tag: 'ok' })]);
        await expect(store.setPayload(c, [{ id: 'a', payload: { tag: 1 } }])).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.setPayload(c, [{ id: 'a', payload: { _id: 'b' } }])).rejects.toBeInstanceOf(StoreUsageError);
        expect((await store.get(c, ['a']))[0].payload).toEqual({ tag: 'ok' });
      });
    });

    describe('delete and count', () => {
      it('deletes by ids, ignoring unknown ones', async () => {
        const c = await collection();
        await store.upsert(c, ['a', 'b', 'c'].map((id) => record(id)));
        await store.delete(c, { ids: ['b', 'zzz'] });
        expect((await store.get(c, ['a', 'b', 'c'])).map((r) => r.id)).toEqual(['a', 'c']);
        expect(await store.count(c)).toBe(2);
      });

      it('deletes by filter', async () => {
        const c = await collection();
        await store.upsert(c, [
          record('a', { tag: 'drop', n: 1 }),
          record('b', { tag: 'keep', n: 2 }),
          record('c', { tags: ['drop'], n: 3 }),
          record('d', { n: 4 }),
        ]);
        await store.delete(c, { filter: { must: [{ field: 'tag', eq: 'drop' }] } });
        expect(await matching(c, {})).toEqual(['b', 'c', 'd']);
        await store.delete(c, { filter: { must: [{ field: 'tags', eq: 'drop' }] } });
        await store.delete(c, { filter: { must: [{ field: 'n', in: [] }] } });
        expect(await matching(c, {})).toEqual(['b', 'd']);
        await store.delete(c, { filter: { mustNot: [{ field: 'tag', isNull: false }] } });
        expect(await matching(c, {})).toEqual(['b']);
        await store.delete(c, { filter: {} });
        expect(await store.count(c)).toBe(0);
      });

      it('counts with and without a filter', async () => {
        const c = await collection();
        expect(await store.count(c)).toBe(0);
        await store.upsert(c, Array.from({ length: 10 }, (_, i) => record(`id${i}`, { n: i })));
        expect(await store.count(c)).toBe(10);
        expect(await store.count(c, { must: [{ field: 'n', range: { gte: 7 } }] })).toBe(3);
        expect(await store.count(c, { must: [{ field: 'n', in: [] }] })).toBe(0);
        expect(await store.count(c, {})).toBe(10);
      });
    });

    describe('meta and persistence', () => {
      it('round-trips model metadata', async () => {
        expect(await store.readMeta()).toBeNull();
        const meta = { modelId: 'test/model-x', dimension: DIM, createdAt: '2025-01-02T03:04:05.000Z' };
        await store.writeMeta(meta);
        expect(await store.readMeta()).toEqual(meta);
        const next = { ...meta, modelId: 'test/model-y' };
        await store.writeMeta(next);
        expect(await store.readMeta()).toEqual(next);
      });

      it('keeps collections, records, indexes and meta across close and reopen', async () => {
        const c = await collection();
        await store.upsert(c, [
          record('a', { tag: 'x', tags: ['t1'] }, atCosine(1)),
          record("b'", { tag: 'y', n: 2 }, atCosine(0.5)),
        ]);
        await store.setPayload(c, [{ id: 'a', payload: { n: 1 } }]);
        const meta = { modelId: 'persist', dimension: DIM, createdAt: new Date(0).toISOString() };
        await store.writeMeta(meta);
        await store.close();

        store = await makeStore();
        // Without calling ensureCollection again: the store remembers the collection's spec.
        expect(await store.count(c)).toBe(2);
        expect(await store.readMeta()).toEqual(meta);
        expect((await store.get(c, ['a']))[0].payload).toEqual({ tag: 'x', tags: ['t1'], n: 1 });
        expect(await matching(c, { must: [{ field: 'tags', eq: 't1' }] })).toEqual(['a']);
        const hits = await store.search(c, vec(1, 0, 0, 0), { limit: 2 });
        expect(hits.map((h) => h.id)).toEqual(['a', "b'"]);
        expect(hits[1].score).toBeCloseTo(0.5, 4);
        await expect(store.count(c, { must: [{ field: 'unindexed', eq: 'x' }] })).rejects.toBeInstanceOf(StoreUsageError);

        await store.ensureCollection({ name: c, dimension: DIM, indexedFields: FIELDS });
        await store.upsert(c, [record('c')]);
        expect(await store.count(c)).toBe(3);
        // Ids written before the reopen are known as stored: upserting one replaces it, no duplicate.
        expect(await store.existingIds(c, ['a', 'nope', "b'"])).toEqual(['a', "b'"]);
        await store.upsert(c, [record('a', { tag: 'again' })]);
        expect(await store.count(c)).toBe(3);
        expect((await store.get(c, ['a']))[0].payload).toEqual({ tag: 'again' });
      });
    });

    // Last: switching spaces moves the store's meta (and, for LanceDB, every name) to the new space.
    describe('embedding spaces', () => {
      const OLD = { modelId: 'space/old', dimension: DIM, createdAt: '2025-01-01T00:00:00.000Z' };
      const NEW = { modelId: 'space/new', dimension: 2, createdAt: '2025-02-01T00:00:00.000Z' };

      it('builds a space beside the live one, unseen by it, then switches collections and meta in one step', async () => {
        const c = await collection();
        const other = await collection();
        await store.upsert(c, [record('a', { tag: 'old' }, atCosine(1)), record('b', { tag: 'old' }, atCosine(0))]);
        await store.upsert(other, [record('o')]);
        await store.writeMeta(OLD);
        const before = await store.spaces();
        const target = nextSpaceId([before.live, ...before.others]);
        await expect(store.openSpace(before.live)).rejects.toBeInstanceOf(StoreUsageError);

        const view = await store.openSpace(target);
        expect(await view.readMeta()).toBeNull();
        await view.writeMeta({ ...NEW, building: true });
        expect((await store.spaces()).others).toContain(target);
        await view.ensureCollection({ name: c, dimension: 2, indexedFields: FIELDS });
        await view.ensureCollection({ name: other, dimension: 2, indexedFields: FIELDS });
        await view.upsert(c, [record('a', { tag: 'new' }, vec(0, 1)), record('z', { tag: 'new' }, vec(1, 0))]);
        // A space cannot be switched to while one of the collections is missing in it.
        await expect(store.activateSpace(target, [c, 'missing'], { keepPrevious: false })).rejects.toBeInstanceOf(StoreUsageError);

        // The live space does not see the build.
        expect(await store.readMeta()).toEqual(OLD);
        expect(await matching(c, { must: [{ field: 'tag', eq: 'old' }] })).toEqual(['a', 'b']);
        expect((await store.search(c, vec(1, 0, 0, 0), { limit: 1 }))[0]!.id).toBe('a');
        expect(await view.count(c)).toBe(2);

        await view.writeMeta(NEW);
        await view.finishBackgroundWork();
        expect((await view.search(c, vec(1, 0), { limit: 1 }))[0]!.id).toBe('z');
        await view.close();
        expect(await store.activateSpace(target, [c, other], { keepPrevious: false })).toBe(before.live);

        expect(await store.readMeta()).toEqual(NEW);
        expect(await store.spaces()).toEqual({ live: target, others: before.others });
        expect((await store.get(c, ['a', 'b', 'z'])).map((r) => [r.id, r.payload.tag])).toEqual([
          ['a', 'new'],
          ['z', 'new'],
        ]);
        expect(await store.count(other)).toBe(0);
        expect((await store.search(c, vec(1, 0), { limit: 1 }))[0]!.id).toBe('z');
        await expect(store.search(c, vec(1, 0, 0, 0), { limit: 1 })).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.dropSpace(target, [c])).rejects.toBeInstanceOf(StoreUsageError);
        await store.upsert(c, [record('w', { tag: 'after' }, vec(1, 1))]);

        // A reopened store finds the switched space.
        await store.close();
        store = await makeStore();
        expect(await store.readMeta()).toEqual(NEW);
        expect((await store.spaces()).live).toBe(target);
        expect((await store.get(c, ['w', 'z'])).map((r) => r.id)).toEqual(['w', 'z']);
      });

      it('keeps the previous space when asked, and drops a space that is not live', async () => {
        const c = await collection(FIELDS, 2);
        await store.upsert(c, [record('kept', {}, vec(1, 0))]);
        const before = await store.spaces();
        const target = nextSpaceId([before.live, ...before.others]);
        const view = await store.openSpace(target);
        await view.writeMeta({ ...NEW, modelId: 'space/newer' });
        await view.ensureCollection({ name: c, dimension: 2, indexedFields: FIELDS });
        await view.upsert(c, [record('fresh', {}, vec(0, 1))]);
        await view.close();
        await store.activateSpace(target, [c], { keepPrevious: true });
        expect((await store.get(c, ['kept', 'fresh'])).map((r) => r.id)).toEqual(['fresh']);
        const after = await store.spaces();
        expect(after.live).toBe(target);
        expect(after.others).toContain(before.live);

        // The kept space is still whole: it can be opened and read, then dropped.
        const kept = await store.openSpace(before.live);
        expect((await kept.get(c, ['kept'])).map((r) => r.id)).toEqual(['kept']);
        await kept.close();
        await store.dropSpace(before.live, [c]);
        expect((await store.spaces()).others).not.toContain(before.live);
      });
    });
  });
}
