import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY).toISOString();

/** Six people rated an old hit two months ago, three rated a new one yesterday. */
const items = ['old-hit', 'new-hit', 'filler'].map((id) => ({ id, title: id.replace('-', ' '), description: `the ${id}`, tags: ['film'] }));
const fans = Array.from({ length: 9 }, (_, i) => `fan-${i}`);
const users = [...fans, 'newcomer'].map((id) => ({ id, text: 'likes films' }));
const interactions = [
  ...fans.slice(0, 6).map((userId) => ({ userId, itemId: 'old-hit', kind: 'RATING', value: 4, at: ago(60) })),
  ...fans.slice(6).map((userId) => ({ userId, itemId: 'new-hit', kind: 'RATING', value: 4, at: ago(1) })),
  { userId: 'newcomer', itemId: 'filler', kind: 'VIEW', at: ago(0) },
];

describe('trending popularity (RECOMMEND_POPULARITY_HALF_LIFE_DAYS)', () => {
  let server: TestServer;
  const top = async (strategy: string) => {
    const res = await server.gql<{ recommendations: Array<{ item: { id: string }; reason: string }> }>(
      `{ recommendations(userId: "newcomer", limit: 2, strategy: ${strategy}) { item { id } reason } }`,
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!.recommendations;
  };

  beforeAll(async () => {
    server = await startTestServer({ RECOMMEND_POPULARITY_HALF_LIFE_DAYS: '7' });
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items });
    await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users });
    const res = await server.gql(`mutation($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }`, { rows: interactions });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('ranks what people engage with lately above an older hit with more engagement, with a true count in the reason', async () => {
    const [first, second] = await top('POPULAR');
    expect(first!.item.id).toBe('new-hit');
    expect(first!.reason).toBe('popular: 3 people engaged with it');
    expect(second!.item.id).toBe('old-hit');
    expect(second!.reason).toBe('popular: 6 people engaged with it');
  });

  it('counts only engagement up to the reference time (asOf, for replays)', async () => {
    const recommendations = server.app.services.recommendations;
    const asOf = new Date(now - 30 * DAY);
    const [first] = await recommendations.recommend('newcomer', { limit: 1, strategy: 'POPULAR', asOf });
    expect(first!.item.id).toBe('old-hit');
  });

  it('ranks by all-time counts with half-life 0', async () => {
    const recommendations = server.app.services.recommendations;
    recommendations.tuneBlend({ popularityHalfLifeDays: 0 });
    try {
      expect((await top('POPULAR')).map((r) => r.item.id)).toEqual(['old-hit', 'new-hit']);
    } finally {
      recommendations.tuneBlend({ popularityHalfLifeDays: 7 });
    }
  });
});
