import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, firstProblem } from '../support/problems.js';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Input that must not reach the store: over-deep JSON, control characters, lone surrogates,
 * out-of-range interaction values and dates. Each is a BAD_USER_INPUT that writes nothing.
 */
describe('input hygiene', () => {
  let server: TestServer;
  const snapshot = async () => ({
    users: await server.app.services.users.count(),
    interactions: (await server.gql<{ user: { interactions: unknown[] } }>(`{ user(id: "ok-1") { interactions(first: 100) { kind } } }`)).data!.user
      .interactions.length,
    item: (await server.gql(`{ item(id: "item-1") { title description tags } }`)).data,
  });

  beforeAll(async () => {
    server = await startTestServer();
    await server.gql(`mutation { upsertUsers(users: [{ id: "ok-1", text: "first user" }, { id: "ok-2", text: "second user" }]) { count } }`);
    await server.gql(`mutation { upsertItems(items: [{ id: "item-1", title: "A book" }]) { count } }`);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Sends the request, expects BAD_USER_INPUT, and checks nothing changed. */
  async function rejected(query: string, variables?: Record<string, unknown>, message?: RegExp) {
    const before = await snapshot();
    const res = await server.gql(query, variables);
    expect(codeOf(res), JSON.stringify(res)).toBe('BAD_USER_INPUT');
    if (message) expect(firstProblem(res)!.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
    return res;
  }
  const upsertUsers = `mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count userErrors { field code message } } }`;
  const upsertItems = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count userErrors { field code message } } }`;
  const record = `mutation($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }`;

  describe('deeply nested attributes', () => {
    it.each([5_000, 100_000])('rejects %i levels sent as a variable', async (depth) => {
      // Built as JSON text: JSON.stringify of the object would itself overflow.
      const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const body = `{"query":${JSON.stringify(upsertUsers)},"variables":{"users":[{"id":"deep","text":"x","attributes":${deep}}]}}`;
      const before = await snapshot();
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const res = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toMatch(/JSON nests deeper than 32 levels/);
      expect(await snapshot()).toEqual(before);
    });

    it.each([5_000, 100_000])('rejects %i levels written inline in the query', async (depth) => {
      const literal = `${'{a:'.repeat(depth)}1${'}'.repeat(depth)}`;
      await rejected(`mutation { upsertUsers(users: [{ id: "deep", text: "x", attributes: ${literal} }]) { count } }`, undefined, /nests deeper than 64 levels/);
    });

    it('rejects an inline literal past the JSON limit but within the query limit', async () => {
      const literal = `${'{a:'.repeat(40)}1${'}'.repeat(40)}`;
      await rejected(`mutation { upsertItems(items: [{ id: "deep", title: "x", attributes: ${literal} }]) { count } }`, undefined, /JSON nests deeper than 32/);
    });

    it('keeps serving afterwards', async () => {
      expect((await server.gql<{ user: { id: string } }>(`{ user(id: "ok-1") { id } }`)).data!.user.id).toBe('ok-1');
    });

    it('rejects an over-deep subscription over WebSocket', async () => {
      const deep = `subscription { reclusterCompleted ${'{ id '.repeat(100)}${'}'.repeat(100)} }`;
      await expect(collect(server.ws(), deep, {})).rejects.toThrow(/nests deeper than 64 levels/);
    });
  });

  describe('control characters and lone surrogates', () => {
    it.each([
      ['NUL in a user id', upsertUsers, { users: [{ id: 'a\u0000b', text: 'fine' }] }],
      ['a newline in a user id', upsertUsers, { users: [{ id: 'a\nb', text: 'fine' }] }],
      ['a lone surrogate in a user id', upsertUsers, { users: [{ id: 'a\uD800', text: 'fine' }] }],
      ['NUL in user text', upsertUsers, { users: [{ id: 'new-1', text: 'fine' }, { id: 'new-2', text: 'te\u0000xt' }] }],
      ['ESC in user text', upsertUsers, { users: [{ id: 'new-1', text: '\u001b[31mred' }] }],
      ['NUL in an attribute name', upsertUsers, { users: [{ id: 'new-1', text: 'fine', attributes: { 'k\u0000': 1 } }] }],
      ['NUL in an attribute value', upsertUsers, { users: [{ id: 'new-1', text: 'fine', attributes: { k: 'v\u0000' } }] }],
      ['NUL in an item id', upsertItems, { items: [{ id: 'item\u0000', title: 'A title' }] }],
      ['NUL in an item title', upsertItems, { items: [{ id: 'item-1', title: 'A\u0000 title' }] }],
      ['NUL in an item description', upsertItems, { items: [{ id: 'item-1', title: 'A', description: 'd\u0000' }] }],
      ['NUL in an item tag', upsertItems, { items: [{ id: 'item-1', title: 'A', tags: ['ok', 't\u0000'] }] }],
      ['NUL in an interaction user id', record, { rows: [{ userId: 'ok-1\u0000', itemId: 'item-1', kind: 'VIEW' }] }],
    ])('rejects %s and writes nothing', async (_name, query, variables) => {
      await rejected(query, variables, /control characters|surrogates/);
    });

    it('rejects NUL in search texts', async () => {
      await rejected(`query($t: String!) { similarUsers(text: $t) { score } }`, { t: 'stars\u0000' });
      await rejected(`query($t: String!) { searchSegments(query: $t) { score } }`, { t: 'stars\u0000' });
      await rejected(`query($t: String!) { segmentForText(text: $t) { score } }`, { t: 'stars\u0000' });
    });

    it('keeps tabs and line breaks, and stores lone surrogates in free text as U+FFFD', async () => {
      const res = await server.gql(upsertUsers, {
        users: [{ id: 'surrogate', text: 'broken \uD83D half\tand\r\nlines', attributes: { city: 'K\uDC00ln', tags: ['a\uD800'] } }],
      });
      expect(res.errors).toBeUndefined();
      const stored = await server.gql<{ user: { text: string; attributes: Record<string, unknown> } }>(`{ user(id: "surrogate") { text attributes } }`);
      expect(stored.data!.user).toEqual({ text: 'broken \uFFFD half\tand\r\nlines', attributes: { city: 'K\uFFFDln', tags: ['a\uFFFD'] } });
    });
  });

  describe('interaction values and dates', () => {
    const row = (extra: Record<string, unknown>) => ({ userId: 'ok-1', itemId: 'item-1', kind: 'PURCHASE', ...extra });
    it.each([
      ['a negative PURCHASE', { value: -1 }],
      ['a PURCHASE of -1e300', { value: -1e300 }],
      ['a PURCHASE over 1e9', { value: 1e9 + 1 }],
      ['a RATING over 5', { kind: 'RATING', value: 5.5 }],
      ['a RATING below 0', { kind: 'RATING', value: -0.5 }],
      ['a VIEW value over 1e6', { kind: 'VIEW', value: 2e6 }],
      ['a negative CLICK value', { kind: 'CLICK', value: -3 }],
      ['a date in year 0001', { at: '0001-01-01T00:00:00Z' }],
      ['a date before 1970', { at: '1969-12-31T23:59:59Z' }],
      ['a date two days ahead', { at: new Date(Date.now() + 2 * 86_400_000).toISOString() }],
    ])('rejects %s and records none of the batch', async (_name, extra) => {
      await rejected(record, { rows: [row({ value: 10 }), row(extra)] });
    });

    it('accepts the edges of the ranges', async () => {
      const res = await server.gql(record, {
        rows: [
          row({ value: 1e9, at: '1970-01-01T00:00:00Z' }),
          row({ value: 0 }),
          row({ kind: 'VIEW' }),
          row({ kind: 'LIKE', value: 1e6 }),
          row({ kind: 'RATING', value: 0 }),
          row({ kind: 'RATING', value: 5, at: new Date(Date.now() + 3600_000).toISOString() }),
        ],
      });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ recordInteractions: 6 });
    });
  });
});
