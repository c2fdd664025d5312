/**
 * Erasure: one test per promise of deleteUsers, deleteItems and deleteInteractions.
 */
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personaData } from '../support/personas.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const UPSERT = `mutation($u: [UserInput!]!) { upsertUsers(users: $u) { count } }`;
const ITEMS = `mutation($i: [ItemInput!]!) { upsertItems(items: $i) { count } }`;
const RECORD = `mutation($i: [InteractionInput!]!) { recordInteractions(interactions: $i) }`;
const DELETE_USERS = `mutation($ids: [ID!]!) { deleteUsers(ids: $ids) { deletedIds unknownIds userErrors { field code message } } }`;

interface SegmentView {
  id: string;
  size: number;
  members: { totalCount: number; edges: Array<{ node: { id: string } }> };
  representativeUsers: Array<{ user: { id: string } }>;
}

async function recluster(server: TestServer, input: string): Promise<string> {
  const res = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: ${input}) { id } }`);
  expect(res.errors).toBeUndefined();
  const id = res.data!.recluster.id;
  for (;;) {
    const run = await server.gql<{ segmentationRun: { status: string } }>(`query($id: ID!) { segmentationRun(id: $id) { status } }`, { id });
    const status = run.data!.segmentationRun.status;
    if (status === 'SUCCEEDED') return id;
    if (status !== 'QUEUED' && status !== 'RUNNING') throw new Error(`run ${id} ended ${status}`);
    await sleep(20);
  }
}

async function segments(server: TestServer): Promise<SegmentView[]> {
  const res = await server.gql<{ segments: SegmentView[] }>(
    `{ segments { id size members(first: 100) { totalCount edges { node { id } } } representativeUsers(limit: 100) { user { id } } } }`,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.segments;
}

describe('deleteUsers', () => {
  let server: TestServer;
  const data = personaData(10, 21);

  beforeAll(async () => {
    server = await startTestServer({ PROFILE_REFRESH_DELAY_MS: '0' });
    expect((await server.gql(ITEMS, { i: data.items })).errors).toBeUndefined();
    expect((await server.gql(UPSERT, { u: data.users })).errors).toBeUndefined();
    expect((await server.gql(RECORD, { i: data.interactions })).errors).toBeUndefined();
    await recluster(server, '{ k: 6, seed: 2 }');
  });
  afterAll(() => server?.close());

  it('returns what was deleted and which ids were unknown, and is idempotent', async () => {
    const first = await server.gql<{ deleteUsers: { deletedIds: string[]; unknownIds: string[] } }>(DELETE_USERS, { ids: ['space-0', 'nobody'] });
    expect(first.errors).toBeUndefined();
    expect(first.data!.deleteUsers).toEqual({ deletedIds: ['space-0'], unknownIds: ['nobody'], userErrors: [] });
    const again = await server.gql<{ deleteUsers: { deletedIds: string[]; unknownIds: string[] } }>(DELETE_USERS, { ids: ['space-0', 'nobody'] });
    expect(again.data!.deleteUsers).toEqual({ deletedIds: [], unknownIds: ['space-0', 'nobody'], userErrors: [] });
  });

  it('from the answer on: user(id) is null, and they are in no members page, totalCount, size or representativeUsers', async () => {
    const before = await segments(server);
    const victim = 'cooking-3';
    const home = before.find((s) => s.members.edges.some((e) => e.node.id === victim))!;
    expect(home).toBeDefined();
    expect((await server.gql(DELETE_USERS, { ids: [victim] })).errors).toBeUndefined();

    const user = await server.gql<{ user: unknown }>(`{ user(id: "${victim}") { id } }`);
    expect(user.data!.user).toBeNull();
    const after = await segments(server);
    const same = after.find((s) => s.id === home.id)!;
    expect(same.members.totalCount).toBe(home.members.totalCount - 1);
    expect(same.size).toBe(home.size - 1);
    for (const s of after) {
      expect(s.members.edges.map((e) => e.node.id)).not.toContain(victim);
      expect(s.representativeUsers.map((r) => r.user.id)).not.toContain(victim);
    }
  });

  it('is found by no similarUsers query, not even by their old text', async () => {
    const victim = data.users.find((u) => u.id === 'music-4')!;
    const before = await server.gql<{ similarUsers: Array<{ user: { id: string } }> }>(`query($t: String!) { similarUsers(text: $t, limit: 3) { user { id } } }`, {
      t: victim.text,
    });
    expect(before.data!.similarUsers[0]!.user.id).toBe(victim.id);
    expect((await server.gql(DELETE_USERS, { ids: [victim.id] })).errors).toBeUndefined();
    const byText = await server.gql<{ similarUsers: Array<{ user: { id: string } }> }>(`query($t: String!) { similarUsers(text: $t, limit: 100) { user { id } } }`, {
      t: victim.text,
    });
    expect(byText.data!.similarUsers.map((s) => s.user.id)).not.toContain(victim.id);
    const byNeighbour = await server.gql<{ similarUsers: Array<{ user: { id: string } }> }>(`{ similarUsers(userId: "music-5", limit: 100) { user { id } } }`);
    expect(byNeighbour.data!.similarUsers.map((s) => s.user.id)).not.toContain(victim.id);
    const byUserId = await server.gql(`{ similarUsers(userId: "${victim.id}", limit: 5) { user { id } } }`);
    expect(byUserId.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('removes their interactions and queued profile rebuilds: the refresher does not bring them back', async () => {
    const id = 'finance-2';
    expect((await server.gql(RECORD, { i: [{ userId: id, itemId: 'finance-item-0', kind: 'PURCHASE' }] })).errors).toBeUndefined();
    // Deleted while its profile rebuild is queued.
    expect((await server.gql(DELETE_USERS, { ids: [id] })).errors).toBeUndefined();
    expect(server.app.services.interactions.forUser(id, 100)).toEqual([]);
    await sleep(300);
    const user = await server.gql<{ user: unknown }>(`{ user(id: "${id}") { id } }`);
    expect(user.data!.user).toBeNull();
    expect(await server.app.services.users.getMany([id])).toEqual(new Map());
  });

  it('casts no neighbour vote in recommendations', async () => {
    // Two users who write the same; only the one to be deleted engaged with a niche item.
    await server.gql(ITEMS, { i: [{ id: 'niche', title: 'rare vinyl pressing', tags: ['music'] }] });
    await server.gql(UPSERT, {
      u: [
        { id: 'twin-a', text: 'jazz piano album concert guitar songs' },
        { id: 'twin-b', text: 'jazz piano album concert guitar songs' },
      ],
    });
    await server.gql(RECORD, { i: [{ userId: 'twin-b', itemId: 'niche', kind: 'RATING', value: 5 }] });
    const REC = `{ recommendations(userId: "twin-a", strategy: SIMILAR_USERS, limit: 20) { item { id } strategy } }`;
    const before = await server.gql<{ recommendations: Array<{ item: { id: string }; strategy: string }> }>(REC);
    expect(before.data!.recommendations.some((r) => r.item.id === 'niche' && r.strategy === 'SIMILAR_USERS')).toBe(true);
    expect((await server.gql(DELETE_USERS, { ids: ['twin-b'] })).errors).toBeUndefined();
    const after = await server.gql<{ recommendations: Array<{ item: { id: string }; strategy: string }> }>(REC);
    expect(after.data!.recommendations.some((r) => r.item.id === 'niche' && r.strategy === 'SIMILAR_USERS')).toBe(false);
  });

  it('removes live assignments: the run counts one live user fewer', async () => {
    await server.gql(UPSERT, { u: [{ id: 'late-joiner', text: 'hiking mountain camping trail forest' }] });
    const LIVE = `{ user(id: "late-joiner") { liveAssigned segment { id } } activeSegmentationRun { liveAssignedSince } }`;
    const before = await server.gql<{ user: { liveAssigned: boolean; segment: { id: string } }; activeSegmentationRun: { liveAssignedSince: number } }>(LIVE);
    expect(before.data!.user.liveAssigned).toBe(true);
    const count = before.data!.activeSegmentationRun.liveAssignedSince;
    expect((await server.gql(DELETE_USERS, { ids: ['late-joiner'] })).errors).toBeUndefined();
    const after = await server.gql<{ activeSegmentationRun: { liveAssignedSince: number } }>(`{ activeSegmentationRun { liveAssignedSince } }`);
    expect(after.data!.activeSegmentationRun.liveAssignedSince).toBe(count - 1);
  });

  it('a run that read a user before the deletion does not bring their membership back', async () => {
    const victims = ['gaming-1', 'gaming-2', 'outdoors-1'];
    const res = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { kRange: { min: 2, max: 10 }, seed: 4 }) { id } }`);
    const runId = res.data!.recluster.id;
    // Deleted while the run is reading or clustering.
    await sleep(30);
    expect((await server.gql(DELETE_USERS, { ids: victims })).errors).toBeUndefined();
    for (;;) {
      const run = await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${runId}") { status } }`);
      if (run.data!.segmentationRun.status === 'SUCCEEDED') break;
      expect(['QUEUED', 'RUNNING']).toContain(run.data!.segmentationRun.status);
      await sleep(20);
    }
    const all = await segments(server);
    const members = all.flatMap((s) => s.members.edges.map((e) => e.node.id));
    for (const v of victims) expect(members).not.toContain(v);
    expect(all.reduce((n, s) => n + s.members.totalCount, 0)).toBe(members.length);
  });

  it('rejects a bad batch and writes nothing', async () => {
    const res = await server.gql(DELETE_USERS, { ids: ['music-7', ''] });
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ deleteUsers: { deletedIds: [], userErrors: [{ code: 'BAD_USER_INPUT', field: ['ids', '1'] }] } });
    const user = await server.gql<{ user: { id: string } | null }>(`{ user(id: "music-7") { id } }`);
    expect(user.data!.user).toEqual({ id: 'music-7' });
  });
});

describe('deleteItems and deleteInteractions', () => {
  let server: TestServer;
  const data = personaData(8, 5);

  beforeAll(async () => {
    server = await startTestServer({ PROFILE_REFRESH_DELAY_MS: '0' });
    await server.gql(ITEMS, { i: data.items });
    await server.gql(UPSERT, { u: data.users });
    await server.gql(RECORD, { i: data.interactions });
    await recluster(server, '{ k: 6, seed: 8 }');
  });
  afterAll(() => server?.close());

  it('an item leaves recommendations, topItems, similarItems and interactions', async () => {
    const target = 'space-item-1';
    const engaged = data.interactions.filter((i) => i.itemId === target).map((i) => i.userId);
    expect(engaged.length).toBeGreaterThan(0);
    const res = await server.gql<{ deleteItems: { deletedIds: string[]; unknownIds: string[] } }>(
      `mutation { deleteItems(ids: ["${target}", "no-such-item"]) { deletedIds unknownIds } }`,
    );
    expect(res.data!.deleteItems).toEqual({ deletedIds: [target], unknownIds: ['no-such-item'] });
    expect((await server.gql<{ item: unknown }>(`{ item(id: "${target}") { id } }`)).data!.item).toBeNull();
    const recs = await server.gql<{ recommendations: Array<{ item: { id: string } }> }>(
      `{ recommendations(userId: "space-0", limit: 30, includeSeen: true) { item { id } } }`,
    );
    expect(recs.data!.recommendations.map((r) => r.item.id)).not.toContain(target);
    const top = await server.gql<{ segments: Array<{ topItems: Array<{ item: { id: string } }> }> }>(`{ segments { topItems(limit: 50) { item { id } } } }`);
    expect(top.data!.segments.flatMap((s) => s.topItems.map((t) => t.item.id))).not.toContain(target);
    const similar = await server.gql<{ item: { similarItems: Array<{ item: { id: string } }> } }>(`{ item(id: "space-item-0") { similarItems(limit: 50) { item { id } } } }`);
    expect(similar.data!.item.similarItems.map((s) => s.item.id)).not.toContain(target);
    for (const userId of engaged) {
      expect(server.app.services.interactions.forUser(userId, 100).map((i) => i.itemId)).not.toContain(target);
    }
    // Their profiles are rebuilt without the item.
    await sleep(300);
    const user = await server.gql<{ user: { profileText: string } }>(`{ user(id: "${engaged[0]}") { profileText } }`);
    expect(user.data!.user.profileText).not.toMatch(/space-item-1/);
  });

  it("deleteInteractions removes a user's interactions with given items, or all of them", async () => {
    const userId = 'music-0';
    const items = [...new Set(data.interactions.filter((i) => i.userId === userId).map((i) => i.itemId))];
    const one = await server.gql<{ deleteInteractions: { userId: string; deletedCount: number; unknownItemIds: string[] } }>(
      `mutation($items: [ID!]) { deleteInteractions(userId: "${userId}", itemIds: $items) { userId deletedCount unknownItemIds } }`,
      { items: [items[0], 'cooking-item-3'] },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.deleteInteractions.deletedCount).toBeGreaterThan(0);
    expect(one.data!.deleteInteractions.unknownItemIds).toEqual(['cooking-item-3']);
    expect(server.app.services.interactions.forUser(userId, 100).map((i) => i.itemId)).not.toContain(items[0]);
    const all = await server.gql<{ deleteInteractions: { deletedCount: number } }>(`mutation { deleteInteractions(userId: "${userId}") { deletedCount } }`);
    expect(all.data!.deleteInteractions.deletedCount).toBe(data.interactions.filter((i) => i.userId === userId && i.itemId !== items[0]).length);
    expect(server.app.services.interactions.forUser(userId, 100)).toEqual([]);
    const again = await server.gql<{ deleteInteractions: { deletedCount: number } }>(`mutation { deleteInteractions(userId: "${userId}") { deletedCount } }`);
    expect(again.data!.deleteInteractions.deletedCount).toBe(0);
    // The profile no longer describes the removed behaviour.
    await sleep(300);
    const user = await server.gql<{ user: { profileText: string } }>(`{ user(id: "${userId}") { profileText } }`);
    expect(user.data!.user.profileText).not.toMatch(/Liked|Bought|Viewed/);
  });
});

describe('an erasure interrupted by a crash', () => {
  it('is completed on the next start', async () => {
    const server = await startTestServer();
    await server.gql(UPSERT, { u: [{ id: 'keep', text: 'hiking trail' }, { id: 'gone', text: 'jazz piano' }] });
    const dataDir = server.dataDir;
    await server.close({ keepData: true });
    // The state a crash between the SQLite part and the store part of deleteUsers leaves behind.
    const db = new DatabaseSync(path.join(dataDir, 'segmentql.sqlite'));
    db.exec(`INSERT INTO pending_erasures(collection, id) VALUES ('users', 'gone');
             INSERT INTO erased_users(user_id, erased_at_ms) VALUES ('gone', ${Number.MAX_SAFE_INTEGER});`);
    db.close();
    const restarted = await startTestServer({}, dataDir);
    try {
      const res = await restarted.gql<{ keep: { id: string } | null; gone: { id: string } | null }>(`{ keep: user(id: "keep") { id } gone: user(id: "gone") { id } }`);
      expect(res.data).toEqual({ keep: { id: 'keep' }, gone: null });
    } finally {
      await restarted.close();
    }
  });
});
