/**
 * Audiences through the GraphQL API on the embedded store: planted personas where the right
 * audience is known (outdoors people engage with outdoors items), so every way of asking
 * (item ids, tags, a brief) must put them first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personaData } from '../support/personas.js';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

const data = personaData(10, 7, 4); // space, cooking, outdoors, gaming: 10 users each, 4 items each
const BOOTS = { id: 'trail-boots', title: 'Trail boots for beginners', description: 'Hiking boots for mountain trails and camping', tags: ['outdoors', 'gear'] };
/** Outdoors people 0..4 bought the boots: the audience for the boots is outdoors people 5..9. */
const BUYERS = ['outdoors-0', 'outdoors-1', 'outdoors-2', 'outdoors-3', 'outdoors-4'];
const BOT = 'bot-1';

interface Member {
  user: { id: string };
  score: number;
  evidence: string;
  reason: string;
}
interface Affinity {
  segment: { id: string };
  members: number;
  engaged: number;
  share: number;
  observedLift: number;
  lift: number;
}
const MEMBER = 'user { id } score evidence reason';
const AFFINITY = 'segment { id } members engaged share observedLift lift';

describe('audiences', () => {
  let server: TestServer;
  let affinityBeforeRun: Affinity[] | undefined;

  const audience = async (args: string) => {
    const res = await server.gql<{ audience: Member[] }>(`{ audience(${args}) { ${MEMBER} } }`);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!.audience;
  };
  const codeOf = async (query: string) => (await server.gql(query)).errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    // A user with more than 4 events a minute looks automated (the persona users have at most 3).
    server = await startTestServer({ PROFILE_REFRESH_DELAY_MS: '0', AUTOMATED_EVENTS_PER_MINUTE: '4', AUTOMATED_WINDOW_MS: '60000' });
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: [...data.items, BOOTS] });
    const bot = { id: BOT, text: 'hiking mountain trail camping forest boots tent', attributes: { occupation: 'guide' } };
    await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users: [...data.users, bot] });
    const rows = [
      ...data.interactions,
      ...BUYERS.map((userId) => ({ userId, itemId: BOOTS.id, kind: 'PURCHASE' })),
      ...['outdoors-item-0', 'outdoors-item-1', 'outdoors-item-2', 'outdoors-item-3', 'cooking-item-0'].map((itemId) => ({ userId: BOT, itemId, kind: 'LIKE' })),
    ];
    await server.gql(`mutation($rows: [InteractionInput!]!) { createInteractions(interactions: $rows) { count } }`, { rows });
    const before = await server.gql<{ item: { segmentAffinity: Affinity[] } }>(`{ item(id: "${BOOTS.id}") { segmentAffinity { ${AFFINITY} } } }`);
    affinityBeforeRun = before.data?.item.segmentAffinity;
    const run = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 4, seed: 1 }) { id } }`);
    await collect(server.ws(), `subscription($id: ID) { segmentationRunUpdated(runId: $id) { status } }`, { id: run.data!.recluster.id });
    await server.app.services.recommendations.refreshModel();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('plants what it means to: the bot is flagged AUTOMATED, and no run means no segment affinity', async () => {
    const res = await server.gql<{ user: { flags: string[] } }>(`{ user(id: "${BOT}") { flags } }`);
    expect(res.data!.user.flags).toContain('AUTOMATED');
    expect(affinityBeforeRun).toEqual([]);
  });

  it('by item ids: the people like those who engaged come first, ranked, those who engaged and the bot left out', async () => {
    const top = await audience(`itemIds: ["${BOOTS.id}"], first: 5`);
    expect(top.map((m) => m.user.id).sort()).toEqual(['outdoors-5', 'outdoors-6', 'outdoors-7', 'outdoors-8', 'outdoors-9']);
    const all = await audience(`itemIds: ["${BOOTS.id}"], first: 1000`);
    expect(all.length).toBeGreaterThan(5);
    const ids = all.map((m) => m.user.id);
    for (const excluded of [...BUYERS, BOT]) expect(ids).not.toContain(excluded);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('Item.audience is the audience of that item', async () => {
    const res = await server.gql<{ item: { audience: Member[] } }>(`{ item(id: "${BOOTS.id}") { audience(first: 7) { ${MEMBER} } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.item.audience).toEqual(await audience(`itemIds: ["${BOOTS.id}"], first: 7`));
  });

  it('by tags and by a brief: outdoors people first (for tags, having engaged with tagged items is evidence, not a reason to leave out)', async () => {
    const byTag = await audience('tags: ["outdoors"], first: 8');
    expect(byTag).toHaveLength(8);
    for (const m of byTag) expect(m.user.id).toMatch(/^outdoors-\d$/);
    const byText = await audience('text: "hiking and camping on mountain trails", first: 5');
    expect(byText).toHaveLength(5);
    for (const m of byText) expect(m.user.id).toMatch(/^outdoors-\d$/);
    // A brief and items together: still outdoors people, the buyers still left out.
    const both = await audience(`itemIds: ["${BOOTS.id}"], text: "tents for the lake", first: 5`);
    for (const m of both) expect(m.user.id).toMatch(/^outdoors-[5-9]$/);
  });

  it('gives true reasons, with the numbers of the evidence that added most', async () => {
    const all = await audience(`itemIds: ["${BOOTS.id}"], first: 50`);
    const patterns: Record<string, RegExp> = {
      COLLABORATIVE: /^engaged with '.+' \((liked|bought|viewed) it\), and people who engage with it engage with 'Trail boots for beginners' \(it adds -?\d+\.\d{3} of their collaborative score \d+\.\d{3}/,
      SIMILARITY: /^their profile is close to 'Trail boots for beginners' \(cosine similarity 0\.\d\d\)$/,
      SEGMENT: /^in segment '.+', where \d+ of \d+ members engaged with 'Trail boots for beginners' \(\d+\.\d× the overall rate; \d+\.\d× after smoothing\)$/,
    };
    for (const m of all) expect(m.reason, m.evidence).toMatch(patterns[m.evidence]!);
    // The planted audience's reason names an outdoors item they engaged with.
    const [first] = all;
    expect(first!.evidence).toBe('COLLABORATIVE');
    const named = /^engaged with '(.+?)' \(/.exec(first!.reason)![1]!;
    const engaged = new Set(data.interactions.filter((i) => i.userId === first!.user.id).map((i) => i.itemId));
    expect(data.items.filter((i) => engaged.has(i.id)).map((i) => i.title)).toContain(named);
  });

  it("segmentAffinity ranks the buyers' segment first, with true counts", async () => {
    const res = await server.gql<{ item: { segmentAffinity: Affinity[] }; user: { segment: { id: string } } }>(
      `{ item(id: "${BOOTS.id}") { segmentAffinity(limit: 10) { ${AFFINITY} } } user(id: "outdoors-0") { segment { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    const rows = res.data!.item.segmentAffinity;
    expect(rows).toHaveLength(4);
    const [top, ...rest] = rows;
    expect(top!.segment.id).toBe(res.data!.user.segment.id);
    expect(top!.engaged).toBe(BUYERS.length);
    expect(top!.share).toBeCloseTo(top!.engaged / top!.members, 10);
    expect(top!.lift).toBeGreaterThan(1);
    expect(top!.observedLift).toBeGreaterThan(top!.lift); // smoothing pulls towards 1
    for (const r of rest) expect(r).toMatchObject({ engaged: 0, lift: expect.any(Number) as number });
    for (const r of rest) expect(r.lift).toBeLessThan(1);
    const one = await server.gql<{ item: { segmentAffinity: Affinity[] } }>(`{ item(id: "${BOOTS.id}") { segmentAffinity(limit: 1) { ${AFFINITY} } } }`);
    expect(one.data!.item.segmentAffinity).toEqual([top]);
  });

  it('bad input gets codes and a message', async () => {
    expect(await codeOf('{ audience(first: 5) { score } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ audience(itemIds: [], tags: []) { score } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ audience(itemIds: ["no-such-item"]) { score } }')).toBe('NOT_FOUND');
    expect(await codeOf(`{ audience(itemIds: ["${BOOTS.id}"], first: 0) { score } }`)).toBe('BAD_USER_INPUT');
    expect(await codeOf(`{ audience(itemIds: ["${BOOTS.id}"], first: 1001) { score } }`)).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ audience(text: "   ") { score } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf('{ audience(tags: [""]) { score } }')).toBe('BAD_USER_INPUT');
    expect(await codeOf(`{ item(id: "${BOOTS.id}") { segmentAffinity(limit: 0) { lift } } }`)).toBe('BAD_USER_INPUT');
    const missing = await server.gql('{ audience(itemIds: ["trail-boots", "nope-1", "nope-2"]) { score } }');
    expect(missing.errors![0]!.message).toMatch(/"nope-1", "nope-2"/);
  });

  it('counts first up to AUDIENCE_MAX_FIRST in the query cost', async () => {
    const one = `audience(itemIds: ["${BOOTS.id}"], first: 1000) { user { id text } score reason }`;
    expect((await server.gql(`{ a: ${one} }`)).errors).toBeUndefined();
    // 5 × (1 + 1000 × 6) > MAX_QUERY_COST (20,000); were first capped at MAX_RESULT_LIMIT (100) it would pass.
    const many = await server.gql(`{ ${[1, 2, 3, 4, 5].map((i) => `a${i}: ${one}`).join(' ')} }`);
    expect(many.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  });

  it('leaves erased users out at once', async () => {
    const before = (await audience(`itemIds: ["${BOOTS.id}"], first: 1000`)).map((m) => m.user.id);
    expect(before).toContain('outdoors-9');
    const res = await server.gql(`mutation { deleteUsers(ids: ["outdoors-9"]) { deletedIds } }`);
    expect(res.errors).toBeUndefined();
    const after = (await audience(`itemIds: ["${BOOTS.id}"], first: 1000`)).map((m) => m.user.id);
    expect(after).not.toContain('outdoors-9');
    expect(after.length).toBe(before.length - 1);
  });
});
