import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, firstProblem } from '../support/problems.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Every rejected request gets a GraphQL error with extensions.code, writes nothing, and the server keeps serving. */
describe('bad input', () => {
  let server: TestServer;
  const counts = async () => ({
    users: await server.app.services.users.count(),
    interactions: (await server.gql<{ user: { interactions: unknown[] } }>(`{ user(id: "ok-1") { interactions(first: 100) { kind } } }`)).data!.user
      .interactions.length,
  });

  beforeAll(async () => {
    server = await startTestServer({ MAX_BATCH_SIZE: '5', MAX_TEXT_LENGTH: '100' });
    await server.gql(`mutation { upsertUsers(users: [{ id: "ok-1", text: "first user" }, { id: "ok-2", text: "second user" }]) { count } }`);
    await server.gql(`mutation { upsertItems(items: [{ id: "item-1", title: "A book" }]) { count } }`);
  });
  afterAll(async () => {
    await server?.close();
  });

  const upsertUsers = (users: unknown) =>
    server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count userErrors { field code message } } }`, { users });
  const record = (rows: unknown) =>
    server.gql(`mutation($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }`, { rows });

  it.each([
    ['an empty batch', [], 'BAD_USER_INPUT'],
    ['an oversized batch', Array.from({ length: 6 }, (_, i) => ({ id: `x-${i}`, text: 'hello' })), 'BAD_USER_INPUT'],
    ['an empty id', [{ id: 'new-a', text: 'hi' }, { id: '', text: 'hello' }], 'BAD_USER_INPUT'],
    ['duplicate ids', [{ id: 'new-a', text: 'hi' }, { id: 'new-a', text: 'hello' }], 'BAD_USER_INPUT'],
    ['text over the limit', [{ id: 'new-a', text: 'fine' }, { id: 'new-b', text: 'x'.repeat(101) }], 'BAD_USER_INPUT'],
    ['nested attributes', [{ id: 'new-a', text: 'fine', attributes: { a: { b: 1 } } }], 'BAD_USER_INPUT'],
    ['a user with neither text nor attributes', [{ id: 'new-a' }], 'BAD_USER_INPUT'],
  ])('rejects %s in upsertUsers and writes none of the batch', async (_name, users, code) => {
    const before = await counts();
    const res = await upsertUsers(users);
    // Input problems of a mutation are userErrors in its payload, not top-level errors.
    expect(res.errors).toBeUndefined();
    expect(firstProblem(res)).toMatchObject({ source: 'userErrors', code });
    expect(firstProblem(res)!.message.length).toBeGreaterThan(10);
    expect(await counts()).toEqual(before);
    const nothing = await server.gql<{ user: null }>(`{ user(id: "new-a") { id } }`);
    expect(nothing.data!.user).toBeNull();
  });

  it('rejects interactions naming unknown users or items, recording none of the batch', async () => {
    const before = await counts();
    const res = await record([
      { userId: 'ok-1', itemId: 'item-1', kind: 'VIEW' },
      { userId: 'ghost', itemId: 'item-1', kind: 'VIEW' },
    ]);
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.errors![0]!.extensions).toMatchObject({ missingUsers: ['ghost'] });
    const items = await record([{ userId: 'ok-1', itemId: 'no-such-item', kind: 'LIKE' }]);
    expect(codeOf(items)).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });

  it('rejects bad enum values and a RATING without a value', async () => {
    const enumError = await record([{ userId: 'ok-1', itemId: 'item-1', kind: 'STARE' }]);
    expect(codeOf(enumError)).toBe('BAD_USER_INPUT');
    const inline = await server.gql(`mutation { recordInteractions(interactions: [{ userId: "ok-1", itemId: "item-1", kind: STARE }]) }`);
    expect(codeOf(inline)).toBe('GRAPHQL_VALIDATION_FAILED');
    const rating = await record([{ userId: 'ok-1', itemId: 'item-1', kind: 'RATING' }]);
    expect(codeOf(rating)).toBe('BAD_USER_INPUT');
  });

  it('rejects bad arguments to queries', async () => {
    expect(codeOf(await server.gql(`{ similarUsers(limit: 5) { score } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await server.gql(`{ similarUsers(userId: "ok-1", text: "x") { score } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await server.gql(`{ similarUsers(userId: "ghost") { score } }`))).toBe('NOT_FOUND');
    expect(codeOf(await server.gql(`{ similarUsers(userId: "ok-1", limit: 0) { score } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await server.gql(`{ similarUsers(userId: "ok-1", limit: 100000) { score } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await server.gql(`mutation { recluster(input: { k: 1 }) { id } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await server.gql(`mutation { recluster(input: { k: 50 }) { id } }`))).toBe('BAD_USER_INPUT');
  });

  it('rejects a malformed members cursor', async () => {
    const run = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 2, seed: 1 }) { id } }`);
    const id = run.data!.recluster.id;
    for (let i = 0; i < 100; i++) {
      const s = await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${id}") { status } }`);
      if (s.data!.segmentationRun.status === 'SUCCEEDED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await server.gql(`{ segments { members(first: 1, after: "garbage") { totalCount } } }`);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });

  it('points subscriptions sent over HTTP to the WebSocket endpoint', async () => {
    const res = await server.gql(`subscription { reclusterCompleted { id } }`);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('BAD_REQUEST');
    expect(res.errors![0]!.message).toMatch(/WebSocket/);
  });

  it('answers malformed JSON and oversized bodies with JSON errors and keeps serving', async () => {
    const malformed = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const ok = await server.gql<{ user: { id: string } }>(`{ user(id: "ok-1") { id } }`);
    expect(ok.data!.user.id).toBe('ok-1');
  });
});
