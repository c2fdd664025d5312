import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CREATE = `mutation($rows: [InteractionInput!]!) {
  createInteractions(interactions: $rows) { count duplicatesDropped viewsCollapsed interactions { kind at } userErrors { code } }
}`;
type Created = { count: number; duplicatesDropped: number; viewsCollapsed: number; interactions: Array<{ kind: string; at: string }>; userErrors: unknown[] };

const T0 = Date.UTC(2024, 0, 1, 12);
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const MINUTE = 60_000;

describe('clean events: duplicates, repeated views, automated users', () => {
  let server: TestServer;
  const create = async (rows: unknown[]) => {
    const res = await server.gql<{ createInteractions: Created }>(CREATE, { rows });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createInteractions.userErrors).toEqual([]);
    return res.data!.createInteractions;
  };
  const total = async (id: string) =>
    (await server.gql<{ user: { interactionsConnection: { totalCount: number } } }>(`query($id: ID!) { user(id: $id) { interactionsConnection(first: 1) { totalCount } } }`, { id })).data!
      .user.interactionsConnection.totalCount;
  const popularScore = async (itemId: string) => {
    const res = await server.gql<{ recommendations: Array<{ item: { id: string }; score: number; strategy: string }> }>(
      `{ recommendations(userId: "fresh", strategy: POPULAR, limit: 20) { item { id } score strategy } }`,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.recommendations.find((r) => r.item.id === itemId)?.score;
  };

  beforeAll(async () => {
    // All-time popularity (no half-life): POPULAR's score is then the count of users who count.
    server = await startTestServer({ RECOMMEND_POPULARITY_HALF_LIFE_DAYS: '0' });
    const items = ['a', 'spam', ...Array.from({ length: 9 }, (_, i) => `b${i}`)].map((id) => ({ id, title: `Item ${id}`, description: `About ${id}` }));
    await server.gql(`mutation($i: [ItemInput!]!) { upsertItems(items: $i) { count } }`, { i: items });
    const users = ['h1', 'h2', 'h3', 'bot', 'fresh'].map((id) => ({ id, text: `user ${id} likes films` }));
    await server.gql(`mutation($u: [UserInput!]!) { upsertUsers(users: $u) { count } }`, { u: users });
  });
  afterAll(async () => server?.close());

  it('drops exact duplicates within a batch and against what is stored, and counts them', async () => {
    const click = { userId: 'h1', itemId: 'a', kind: 'CLICK', at: at(0) };
    const first = await create([click, click, { ...click, kind: 'LIKE' }]);
    expect(first).toMatchObject({ count: 2, duplicatesDropped: 1, viewsCollapsed: 0 });
    const again = await create([click, { ...click, at: at(1000) }]);
    expect(again).toMatchObject({ count: 1, duplicatesDropped: 1 });
    // A different value is a different event.
    const ratings = await create([{ userId: 'h1', itemId: 'a', kind: 'RATING', value: 4, at: at(0) }, { userId: 'h1', itemId: 'a', kind: 'RATING', value: 5, at: at(0) }]);
    expect(ratings).toMatchObject({ count: 2, duplicatesDropped: 0 });
    expect(await total('h1')).toBe(5);
    // The deprecated mutation cleans the same way and returns what it recorded.
    const legacy = await server.gql<{ recordInteractions: number }>(`mutation($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }`, { rows: [click] });
    expect(legacy.data!.recordInteractions).toBe(0);
    expect(await total('h1')).toBe(5);
  });

  it('collapses VIEWs of the same item by the same user within the window (default 30 minutes)', async () => {
    const view = (offsetMs: number, itemId = 'a') => ({ userId: 'h2', itemId, kind: 'VIEW', at: at(offsetMs) });
    const batch = await create([view(10 * MINUTE), view(0), view(40 * MINUTE), view(1000, 'b0'), { ...view(2000), kind: 'CLICK' }]);
    // The earliest VIEW is kept, the one 10 minutes later collapses into it; 40 minutes later is a new view.
    expect(batch).toMatchObject({ count: 4, duplicatesDropped: 0, viewsCollapsed: 1 });
    expect(batch.interactions.map((i) => i.at)).toEqual([at(0), at(40 * MINUTE), at(1000), at(2000)]);
    const later = await create([view(25 * MINUTE), view(75 * MINUTE)]);
    expect(later).toMatchObject({ count: 1, viewsCollapsed: 1 });
    expect(later.interactions[0]!.at).toBe(at(75 * MINUTE));
  });

  it('flags users whose sustained event rate looks automated and leaves them out of popularity', async () => {
    await create([{ userId: 'h3', itemId: 'spam', kind: 'LIKE', at: at(0) }, { userId: 'bot', itemId: 'spam', kind: 'LIKE', at: at(0) }]);
    expect(await popularScore('spam')).toBe(2);
    const flags = async (id: string) => (await server.gql<{ user: { flags: string[] } }>(`query($id: ID!) { user(id: $id) { flags } }`, { id })).data!.user.flags;
    expect(await flags('bot')).toEqual([]);

    // 700 clicks in under 6 minutes: above 60 a minute sustained over 10 minutes (600 events).
    const burst = Array.from({ length: 700 }, (_, i) => ({ userId: 'bot', itemId: `b${i % 9}`, kind: 'CLICK', at: at(MINUTE + i * 500) }));
    expect((await create(burst)).count).toBe(700);
    expect(await flags('bot')).toEqual(['AUTOMATED']);
    expect(await flags('h3')).toEqual([]);
    // The bot's like no longer counts: spam is popular with h3 only.
    expect(await popularScore('spam')).toBe(1);
    expect(await popularScore('a')).toBe(2);
  });

  it('leaves a person who rates quickly but at a human pace unflagged', async () => {
    // 150 ratings in 10 minutes (MovieLens 100k's fastest rater reaches 157).
    const rows = Array.from({ length: 150 }, (_, i) => ({ userId: 'h3', itemId: `b${i % 9}`, kind: 'RATING', value: 1 + (i % 5), at: at(i * 4000) }));
    expect((await create(rows)).count).toBe(150);
    const res = await server.gql<{ user: { flags: string[] } }>(`{ user(id: "h3") { flags } }`);
    expect(res.data!.user.flags).toEqual([]);
  });
});
