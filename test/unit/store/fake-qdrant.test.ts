import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeQdrant } from '../../support/fake-qdrant/fake-qdrant.js';
import { QdrantOpenApi } from '../../support/fake-qdrant/openapi.js';

/**
 * The fake itself, spoken to with raw HTTP: it must refuse what Qdrant refuses and answer as
 * Qdrant documents, or the adapter tests on it prove nothing.
 */
const fake = new FakeQdrant();
let url = '';

beforeAll(async () => {
  url = await fake.start();
});
afterAll(async () => {
  await fake.stop();
  expect(fake.responseViolations).toEqual([]);
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: { result?: any; status?: any } }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as { result?: any; status?: any } };
}

const A = '00000000-0000-0000-0000-00000000000a';
const B = '00000000-0000-0000-0000-00000000000b';
const C = '00000000-0000-0000-0000-00000000000c';

describe('fake Qdrant', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/collections/t', { vectors: { size: 2, distance: 'Cosine' } })).status).toBe(200);
    await call('PUT', '/collections/t/index?wait=true', { field_name: 'tag', field_schema: 'keyword' });
    const up = await call('PUT', '/collections/t/points?wait=true', {
      points: [
        { id: A, vector: [1, 0], payload: { tag: 'x', 'a.b': 1, a: { b: 2 } } },
        { id: B, vector: [0, 1], payload: { tag: 'y' } },
        { id: 7, vector: [1, 1], payload: { tag: 'x' } },
      ],
    });
    expect(up.json.result).toEqual({ operation_id: expect.any(Number), status: 'completed' });
  });

  it('validates requests against the spec: a misspelt filter key is a 400, not "match everything"', async () => {
    const r = await call('POST', '/collections/t/points/delete?wait=true', { filter: { mustNot: [{ key: 'tag', match: { value: 'x' } }] } });
    expect(r.status).toBe(400);
    expect(r.json.status.error).toMatch(/Format error in JSON body.*additional properties/);
    expect((await call('POST', '/collections/t/points/count', {})).json.result.count).toBe(3);
  });

  it('accepts only unsigned integers and UUIDs as point ids, in any UUID form', async () => {
    expect((await call('PUT', '/collections/t/points?wait=true', { points: [{ id: 'user-1', vector: [1, 0] }] })).status).toBe(400);
    expect((await call('PUT', '/collections/t/points?wait=true', { points: [{ id: -1, vector: [1, 0] }] })).status).toBe(400);
    const simple = A.replaceAll('-', '').toUpperCase();
    const got = await call('POST', '/collections/t/points', { ids: [simple] });
    expect(got.json.result.map((p: { id: string }) => p.id)).toEqual([A]);
  });

  it('refuses a vector of the wrong size, an unknown recommend strategy and unknown query parameters', async () => {
    const size = await call('PUT', '/collections/t/points?wait=true', { points: [{ id: C, vector: [1, 0, 0] }] });
    expect(size.status).toBe(400);
    expect(size.json.status.error).toMatch(/expected dim: 2, got 3/);
    const strategy = await call('POST', '/collections/t/points/query', { query: { recommend: { positive: [A], strategy: 'average' } } });
    expect(strategy.status).toBe(400);
    expect((await call('POST', '/collections/t/points/count?consistancy=all', {})).status).toBe(400);
    expect((await call('POST', '/collections/t/points/count?consistency=majority', {})).status).toBe(200);
  });

  it('answers 404 for unknown example ids and unknown collections', async () => {
    const r = await call('POST', '/collections/t/points/query', { query: { recommend: { positive: [C] } } });
    expect(r.status).toBe(404);
    expect(r.json.status.error).toMatch(/No point with id/);
    expect((await call('POST', '/collections/nope/points/count', {})).status).toBe(404);
  });

  it('requires a payload index for filtered keys (strict mode) and for facets', async () => {
    const unindexed = await call('POST', '/collections/t/points/count', { filter: { must: [{ key: 'other', match: { value: 'x' } }] } });
    expect(unindexed.status).toBe(400);
    expect(unindexed.json.status.error).toMatch(/Index required but not found for "other"/);
    const wrongType = await call('POST', '/collections/t/points/count', { filter: { must: [{ key: 'tag', range: { gte: 1 } }] } });
    expect(wrongType.status).toBe(400);
    const facet = await call('POST', '/collections/t/facet', { key: 'tag', exact: true });
    expect(facet.json.result.hits).toEqual([{ value: 'x', count: 2 }, { value: 'y', count: 1 }]);
    expect((await call('POST', '/collections/t/facet', { key: 'other' })).status).toBe(400);
  });

  it('reads payload keys as JSON paths: a.b is nested, "a.b" is literal', async () => {
    await call('POST', '/collections/t/points/payload/delete?wait=true', { keys: ['a.b'], points: [A] });
    let [point] = (await call('POST', '/collections/t/points', { ids: [A] })).json.result;
    expect(point.payload).toEqual({ tag: 'x', 'a.b': 1, a: {} });
    await call('POST', '/collections/t/points/payload/delete?wait=true', { keys: ['"a.b"'], points: [A] });
    [point] = (await call('POST', '/collections/t/points', { ids: [A] })).json.result;
    expect(point.payload).toEqual({ tag: 'x', a: {} });
    expect((await call('POST', '/collections/t/points/payload/delete?wait=true', { keys: ['x y'], points: [A] })).status).toBe(400);
  });

  it('scrolls in point-id order (integers first) with an inclusive offset', async () => {
    const first = await call('POST', '/collections/t/points/scroll', { limit: 2 });
    expect(first.json.result.points.map((p: { id: unknown }) => p.id)).toEqual([7, A]);
    expect(first.json.result.next_page_offset).toBe(B);
    const second = await call('POST', '/collections/t/points/scroll', { limit: 2, offset: B });
    expect(second.json.result.points.map((p: { id: unknown }) => p.id)).toEqual([B]);
    expect(second.json.result.next_page_offset).toBeNull();
  });

  it('applies a write without wait=true only later, and says so', async () => {
    const r = await call('PUT', '/collections/t/points', { points: [{ id: C, vector: [1, 0], payload: {} }] });
    expect(r.json.result.status).toBe('acknowledged');
    expect((await call('POST', '/collections/t/points', { ids: [C] })).json.result).toEqual([]);
    expect((await call('POST', '/collections/t/points', { ids: [C] })).json.result).toHaveLength(1);
    await call('POST', '/collections/t/points/delete?wait=true', { points: [C] });
  });

  it('recommends with average_vector as Qdrant documents it, leaving the examples out', async () => {
    const r = await call('POST', '/collections/t/points/query', { query: { recommend: { positive: [A], negative: [B] } }, limit: 5, with_payload: false });
    expect(r.json.result.points.map((p: { id: unknown }) => p.id)).toEqual([7]);
    // Target 2·(1,0) − (0,1) = (2,−1): cosine with (1,1)/√2 is 1/√10.
    expect(r.json.result.points[0].score).toBeCloseTo(1 / Math.sqrt(10), 5);
  });

  it('serves collection aliases as Qdrant documents them: reads and writes through an alias reach its collection, changes apply together', async () => {
    expect((await call('PUT', '/collections/al_1', { vectors: { size: 2, distance: 'Cosine' } })).status).toBe(200);
    expect((await call('PUT', '/collections/al_2', { vectors: { size: 2, distance: 'Cosine' } })).status).toBe(200);
    const aliases = (actions: unknown[]) => call('POST', '/collections/aliases?timeout=5', { actions });
    expect((await aliases([{ create_alias: { alias_name: 'al', collection_name: 'al_1' } }])).json.result).toBe(true);
    // Writes and reads through the alias land in the collection.
    await call('PUT', '/collections/al/points?wait=true', { points: [{ id: A, vector: [1, 0], payload: { v: 1 } }] });
    expect(fake.collections.get('al_1')!.points.size).toBe(1);
    expect((await call('POST', '/collections/al/points/count', {})).json.result.count).toBe(1);
    expect((await call('GET', '/collections/al/exists')).json.result).toEqual({ exists: true });
    expect((await call('GET', '/collections/al')).json.result.points_count).toBe(1);
    expect((await call('GET', '/aliases')).json.result.aliases).toContainEqual({ alias_name: 'al', collection_name: 'al_1' });
    expect((await call('GET', '/collections/al_1/aliases')).json.result).toEqual({ aliases: [{ alias_name: 'al', collection_name: 'al_1' }] });
    expect((await call('GET', '/collections/al_2/aliases')).json.result).toEqual({ aliases: [] });
    // A collection cannot take an alias's name, nor an alias a collection's.
    expect((await call('PUT', '/collections/al', { vectors: { size: 2, distance: 'Cosine' } })).status).toBe(409);
    expect((await aliases([{ create_alias: { alias_name: 'al_2', collection_name: 'al_1' } }])).status).toBe(409);
    // A change whose last action fails changes nothing.
    const failed = await aliases([{ delete_alias: { alias_name: 'al' } }, { create_alias: { alias_name: 'al', collection_name: 'missing' } }]);
    expect(failed.status).toBe(404);
    expect(fake.aliases.get('al')).toBe('al_1');
    // The swap: delete and create in one request; requests before see al_1, after al_2.
    expect((await aliases([{ delete_alias: { alias_name: 'al' } }, { create_alias: { alias_name: 'al', collection_name: 'al_2' } }])).status).toBe(200);
    expect((await call('POST', '/collections/al/points/count', {})).json.result.count).toBe(0);
    expect((await aliases([{ rename_alias: { old_alias_name: 'al', new_alias_name: 'al_renamed' } }])).status).toBe(200);
    expect([...fake.aliases].filter(([a]) => a.startsWith('al'))).toEqual([['al_renamed', 'al_2']]);
    expect((await aliases([{ delete_alias: { alias_name: 'al' } }])).status).toBe(404);
    // The spec's shape is enforced for alias actions too.
    expect((await aliases([{ create_alias: { alias_name: 'x' } }])).status).toBe(400);
    // Deleting a collection removes its aliases.
    await call('DELETE', '/collections/al_2');
    expect(fake.aliases.has('al_renamed')).toBe(false);
  });

  it('catches a response the spec does not allow', () => {
    const spec = new QdrantOpenApi();
    const op = spec.match('POST', '/collections/t/points/count')!;
    expect(spec.checkResponse(op, 200, { result: { count: 1 }, status: 'ok', time: 0 })).toEqual([]);
    expect(spec.checkResponse(op, 200, { result: { count: -1 }, status: 'ok', time: 0 })).not.toEqual([]);
    expect(spec.checkResponse(op, 200, { result: { total: 1 }, status: 'ok', time: 0 })).not.toEqual([]);
  });

  it('handles nullable fields and numeric formats from the spec', () => {
    const spec = new QdrantOpenApi();
    const op = spec.match('POST', '/collections/t/points/scroll')!;
    expect(spec.checkRequest(op, new URLSearchParams(), { limit: null, offset: null, filter: null })).toEqual([]);
    expect(spec.checkRequest(op, new URLSearchParams(), { limit: 1.5 })).not.toEqual([]);
    expect(spec.checkRequest(op, new URLSearchParams(), { limit: 0 })).not.toEqual([]);
    const upsert = spec.match('PUT', '/collections/t/points')!;
    expect(spec.checkRequest(upsert, new URLSearchParams(), { points: [{ id: 2 ** 60, vector: [1e39] }] })).not.toEqual([]);
    expect(spec.checkRequest(upsert, new URLSearchParams('wait=yes'), { points: [] })).not.toEqual([]);
  });
});
