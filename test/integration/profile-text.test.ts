/**
 * The profile text is derived data (the user's text, attributes, interactions and item titles):
 * user records in the store hold only the user's own fields, and `User.profileText` is built on
 * demand, one batch per request. Rows written by earlier versions still carry a `profileText` in
 * their payload: it is never read, and a rewrite drops it. Real server, real store (embedded
 * LanceDB, or the Qdrant adapter in ./qdrant).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { USERS } from '../../src/store/collections.js';
import { createVectorStore } from '../../src/store/create-store.js';
import type { StoredRecord } from '../../src/store/port.js';
import { testStoreConfig } from '../support/test-backend.js';
import { startTestServer, tempDataDir, type TestServer } from '../support/test-server.js';

const UPSERT_USERS = `mutation($u: [UserInput!]!) { upsertUsers(users: $u) { count userErrors { message } } }`;
const RECORD = `mutation($i: [InteractionInput!]!) { recordInteractions(interactions: $i) }`;
const USERS_WITH_TEXTS = `{ users(first: 20) { edges { node { id profileText } } } }`;

const USER_ROWS = [
  { id: 'p-1', text: 'I climb mountains and camp under the stars', attributes: { plan: 'pro', country: 'NO' } },
  { id: 'p-2', text: 'Sourdough baking every weekend', attributes: { plan: 'free' } },
  { id: 'p-3', text: null, attributes: { plan: 'team', favouriteGenre: 'jazz' } },
];

/** Every stored user record, read from the store the server used (the server must be closed). */
async function storedUsers(dataDir: string): Promise<StoredRecord[]> {
  const store = await createVectorStore(await testStoreConfig(dataDir));
  try {
    return await store.get(USERS, USER_ROWS.map((u) => u.id), { withVector: true });
  } finally {
    await store.close();
  }
}

/** Waits (bounded) until the background refresher has rewritten the user's record after `since`. */
async function rewrittenAfter(server: TestServer, id: string, since: Date): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const user = await server.app.services.users.get(id);
    if (user && user.updatedAt > since) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the profile of ${id} was not rebuilt`);
}

describe('profile texts are derived on demand, not stored', () => {
  const dataDir = tempDataDir();
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ PROFILE_REFRESH_DELAY_MS: '0' }, dataDir);
    const items = await server.gql(`mutation { upsertItems(items: [
      { id: "tent", title: "Four-season tent", tags: ["outdoors", "camping"] },
      { id: "flour", title: "Rye flour", tags: ["baking"] } ]) { count } }`);
    expect(items.errors).toBeUndefined();
    const users = await server.gql<{ upsertUsers: { count: number } }>(UPSERT_USERS, { u: USER_ROWS });
    expect(users.errors).toBeUndefined();
    expect(users.data!.upsertUsers.count).toBe(3);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers User.profileText for a list of users with one profile-text build, and stores none after upsert or refresh', async () => {
    const before = (await server.app.services.users.get('p-1'))!.updatedAt;
    expect((await server.gql(RECORD, { i: [{ userId: 'p-1', itemId: 'tent', kind: 'LIKE' }, { userId: 'p-2', itemId: 'flour', kind: 'PURCHASE' }] })).errors).toBeUndefined();
    await rewrittenAfter(server, 'p-1', before);
    await rewrittenAfter(server, 'p-2', before);

    const build = vi.spyOn(server.app.services.users, 'profileTexts');
    try {
      const res = await server.gql<{ users: { edges: Array<{ node: { id: string; profileText: string } }> } }>(USERS_WITH_TEXTS);
      expect(res.errors).toBeUndefined();
      const texts = new Map(res.data!.users.edges.map((e) => [e.node.id, e.node.profileText] as const));
      expect(texts.get('p-1')).toBe('I climb mountains and camp under the stars\nplan: pro. country: NO.\nLiked: Four-season tent [outdoors, camping].');
      expect(texts.get('p-2')).toBe('Sourdough baking every weekend\nplan: free.\nBought 1 item.');
      expect(texts.get('p-3')).toBe('plan: team. favourite genre: jazz.');
      // Three users, one build.
      expect(build).toHaveBeenCalledTimes(1);
      expect(build.mock.calls[0]![0].map((u) => u.id).sort()).toEqual(['p-1', 'p-2', 'p-3']);
    } finally {
      build.mockRestore();
    }

    await server.close({ keepData: true });
    const records = await storedUsers(dataDir);
    expect(records.map((r) => r.id).sort()).toEqual(['p-1', 'p-2', 'p-3']);
    for (const r of records) {
      expect(Object.keys(r.payload)).not.toContain('profileText');
      expect(r.payload.text).toBe(USER_ROWS.find((u) => u.id === r.id)!.text);
    }
  });

  it('never reads the profileText that rows of earlier versions hold, and drops it when the row is rewritten', async () => {
    // A row as an earlier version wrote it: the same user, with a stale profile text in its payload.
    const store = await createVectorStore(await testStoreConfig(dataDir));
    try {
      const [row] = await store.get(USERS, ['p-3'], { withVector: true });
      await store.upsert(USERS, [{ id: 'p-3', vector: row!.vector!, payload: { ...row!.payload, profileText: 'legacy stale words' } }]);
      const [legacy] = await store.get(USERS, ['p-3']);
      expect(legacy!.payload.profileText).toBe('legacy stale words');
    } finally {
      await store.close();
    }

    server = await startTestServer({ PROFILE_REFRESH_DELAY_MS: '0' }, dataDir);
    const res = await server.gql<{ user: { profileText: string } }>(`{ user(id: "p-3") { profileText } }`);
    expect(res.data!.user.profileText).toBe('plan: team. favourite genre: jazz.');

    // New behaviour rewrites the record (the profile refresher): the stale field goes with it.
    const before = (await server.app.services.users.get('p-3'))!.updatedAt;
    expect((await server.gql(RECORD, { i: [{ userId: 'p-3', itemId: 'tent', kind: 'PURCHASE' }] })).errors).toBeUndefined();
    await rewrittenAfter(server, 'p-3', before);
    const after = await server.gql<{ user: { profileText: string } }>(`{ user(id: "p-3") { profileText } }`);
    expect(after.data!.user.profileText).toBe('plan: team. favourite genre: jazz.\nBought 1 item.');
    await server.close({ keepData: true });
    const [rewritten] = (await storedUsers(dataDir)).filter((r) => r.id === 'p-3');
    expect(Object.keys(rewritten!.payload)).not.toContain('profileText');
    server = await startTestServer({}, dataDir);
  });
});
