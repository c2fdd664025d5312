/**
 * The API conventions frontends build on: mutation payloads with userErrors, Relay connections
 * over every growing list, global ids with node(id:)/nodes(ids:), updateSegment, @oneOf and
 * per-request batching of lookups (DataLoader).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { personaData } from '../support/personas.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const USER_ERRORS = 'userErrors { field code message }';

interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

describe('API conventions', () => {
  let server: TestServer;
  const data = personaData(5, 3);
  let runId = '';

  /** Every page of a connection, following endCursor; also checks each page's PageInfo. */
  async function allPages<T>(query: string, pick: (data: Record<string, unknown>) => Page<T>, variables: Record<string, unknown> = {}) {
    const nodes: T[] = [];
    let after: string | null = null;
    let totalCount = -1;
    for (let pages = 0; pages < 100; pages++) {
      const res = await server.gql(query, { ...variables, after });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      const page = pick(res.data!);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      expect(page.nodes).toEqual(page.edges.map((e) => e.node));
      totalCount = page.totalCount;
      nodes.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return { nodes, totalCount };
      after = page.pageInfo.endCursor;
    }
    throw new Error('connection never ended');
  }

  beforeAll(async () => {
    server = await startTestServer({ PROFILE_REFRESH_DELAY_MS: '0' });
    expect((await server.gql(`mutation($i: [ItemInput!]!) { upsertItems(items: $i) { count } }`, { i: data.items })).errors).toBeUndefined();
    expect((await server.gql(`mutation($u: [UserInput!]!) { upsertUsers(users: $u) { count } }`, { u: data.users })).errors).toBeUndefined();
    const recorded = await server.gql<{ createInteractions: { count: number } }>(
      `mutation($i: [InteractionInput!]!) { createInteractions(interactions: $i) { count ${USER_ERRORS} } }`,
      { i: data.interactions },
    );
    expect(recorded.data!.createInteractions).toEqual({ count: data.interactions.length, userErrors: [] });
    const started = await server.gql<{ startSegmentationRun: { run: { id: string } } }>(
      `mutation { startSegmentationRun(input: { k: 4, seed: 5 }) { run { id status } ${USER_ERRORS} } }`,
    );
    expect(started.errors).toBeUndefined();
    runId = started.data!.startSegmentationRun.run.id;
    for (;;) {
      const run = await server.gql<{ segmentationRun: { status: string } }>(`query($id: ID!) { segmentationRun(id: $id) { status } }`, { id: runId });
      if (run.data!.segmentationRun.status === 'SUCCEEDED') break;
      expect(['QUEUED', 'RUNNING']).toContain(run.data!.segmentationRun.status);
      await sleep(20);
    }
  });
  afterAll(() => server?.close());

  describe('mutation payloads', () => {
    it('a rejected mutation does not hide a successful one: both answer, and only the good one wrote', async () => {
      const res = await server.gql<{
        upsertUsers: { users: Array<{ id: string; text: string }>; created: number; userErrors: unknown[] };
        upsertItems: { items: unknown[]; count: number; userErrors: Array<{ field: string[]; code: string; message: string }> };
      }>(
        `mutation {
          upsertUsers(users: [{ id: "payload-user", text: "I bake bread every weekend" }]) { users { id text } created ${USER_ERRORS} }
          upsertItems(items: [{ id: "fine-item", title: "Fine" }, { id: "", title: "No id" }]) { items { id } count ${USER_ERRORS} }
        }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.upsertUsers).toEqual({ users: [{ id: 'payload-user', text: 'I bake bread every weekend' }], created: 1, userErrors: [] });
      expect(res.data!.upsertItems.items).toEqual([]);
      expect(res.data!.upsertItems.count).toBe(0);
      expect(res.data!.upsertItems.userErrors).toEqual([{ field: ['items', '1', 'id'], code: 'BAD_USER_INPUT', message: expect.stringMatching(/empty/) }]);
      const after = await server.gql<{ user: { id: string } | null; item: { id: string } | null }>(`{ user(id: "payload-user") { id } item(id: "fine-item") { id } }`);
      expect(after.data).toEqual({ user: { id: 'payload-user' }, item: null });
    });

    it('names the offending field of a nested input', async () => {
      const res = await server.gql<{ upsertUsers: { userErrors: Array<{ field: string[] }> } }>(
        `mutation($u: [UserInput!]!) { upsertUsers(users: $u) { count ${USER_ERRORS} } }`,
        { u: [{ id: 'ok-a', text: 'fine' }, { id: 'ok-b', text: 'te\u0000xt' }] },
      );
      expect(res.data!.upsertUsers.userErrors[0]!.field).toEqual(['users', '1', 'text']);
      expect((await server.gql<{ user: null }>(`{ user(id: "ok-a") { id } }`)).data!.user).toBeNull();
    });

    it('reports unknown users in createInteractions as NOT_FOUND and records none of the batch', async () => {
      const before = await server.gql<{ user: { interactionsConnection: { totalCount: number } } }>(
        `{ user(id: "${data.users[0]!.id}") { interactionsConnection { totalCount } } }`,
      );
      const res = await server.gql<{ createInteractions: { count: number; interactions: unknown[]; userErrors: Array<{ code: string; field: string[] }> } }>(
        `mutation($i: [InteractionInput!]!) { createInteractions(interactions: $i) { count interactions { kind } ${USER_ERRORS} } }`,
        { i: [{ userId: data.users[0]!.id, itemId: data.items[0]!.id, kind: 'VIEW' }, { userId: 'ghost', itemId: data.items[0]!.id, kind: 'VIEW' }] },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.createInteractions).toMatchObject({ count: 0, interactions: [], userErrors: [{ code: 'NOT_FOUND', field: ['interactions'] }] });
      const after = await server.gql<{ user: { interactionsConnection: { totalCount: number } } }>(
        `{ user(id: "${data.users[0]!.id}") { interactionsConnection { totalCount } } }`,
      );
      expect(after.data).toEqual(before.data);
    });

    it('returns the interactions it recorded, with their users and items', async () => {
      const res = await server.gql<{ createInteractions: { interactions: Array<{ kind: string; user: { id: string }; item: { id: string } }> } }>(
        `mutation { createInteractions(interactions: [{ userId: "${data.users[1]!.id}", itemId: "${data.items[2]!.id}", kind: LIKE }]) {
           interactions { kind user { id } item { id } } ${USER_ERRORS} } }`,
      );
      expect(res.data!.createInteractions).toEqual({
        interactions: [{ kind: 'LIKE', user: { id: data.users[1]!.id }, item: { id: data.items[2]!.id } }],
        userErrors: [],
      });
    });

    it('reports run problems (bad k, unknown or ended run) as userErrors with the input path', async () => {
      const badK = await server.gql<{ startSegmentationRun: { run: null; userErrors: Array<{ field: string[]; code: string }> } }>(
        `mutation { startSegmentationRun(input: { k: 1 }) { run { id } ${USER_ERRORS} } }`,
      );
      expect(badK.errors).toBeUndefined();
      expect(badK.data!.startSegmentationRun).toMatchObject({ run: null, userErrors: [{ field: ['input', 'k'], code: 'BAD_USER_INPUT' }] });
      const unknown = await server.gql<{ cancelSegmentationRun: { userErrors: Array<{ code: string; field: string[] }> } }>(
        `mutation { cancelSegmentationRun(id: "no-such-run") { run { id } ${USER_ERRORS} } }`,
      );
      expect(unknown.data!.cancelSegmentationRun.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: ['id'] }]);
      const ended = await server.gql<{ cancelSegmentationRun: { userErrors: Array<{ code: string }> } }>(
        `mutation($id: ID!) { cancelSegmentationRun(id: $id) { run { id } ${USER_ERRORS} } }`,
        { id: runId },
      );
      expect(ended.data!.cancelSegmentationRun.userErrors).toMatchObject([{ code: 'CONFLICT' }]);
    });

    it('keeps the deprecated mutations working with top-level errors', async () => {
      const count = await server.gql<{ recordInteractions: number }>(
        `mutation { recordInteractions(interactions: [{ userId: "${data.users[2]!.id}", itemId: "${data.items[0]!.id}", kind: CLICK }]) }`,
      );
      expect(count.data).toEqual({ recordInteractions: 1 });
      const bad = await server.gql(`mutation { recluster(input: { k: 1 }) { id } }`);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('connections', () => {
    const USERS = `query($first: Int!, $after: String, $filter: UsersFilter) { users(first: $first, after: $after, filter: $filter) {
      edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`;

    it('pages through every user exactly once, with totalCount', async () => {
      const { nodes, totalCount } = await allPages<{ id: string }>(USERS, (d) => d.users as Page<{ id: string }>, { first: 4 });
      const ids = nodes.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual([...data.users.map((u) => u.id), 'payload-user'].sort());
      expect(totalCount).toBe(ids.length);
    });

    it('resumes after any edge, not only the last one of a page', async () => {
      const first = await server.gql<{ users: Page<{ id: string }> }>(USERS, { first: 5 });
      const resumed = await server.gql<{ users: Page<{ id: string }> }>(USERS, { first: 5, after: first.data!.users.edges[1]!.cursor });
      const whole = await server.gql<{ users: Page<{ id: string }> }>(USERS, { first: 7 });
      expect(resumed.data!.users.nodes).toEqual(whole.data!.users.nodes.slice(2, 7));
    });

    it('filters users by attributes and by segment', async () => {
      const chefs = data.users.filter((u) => u.attributes.occupation === 'chef').map((u) => u.id);
      const byAttribute = await allPages<{ id: string }>(USERS, (d) => d.users as Page<{ id: string }>, {
        first: 3,
        filter: { attributes: [{ attribute: 'occupation', equals: 'chef' }] },
      });
      expect(byAttribute.nodes.map((n) => n.id).sort()).toEqual(chefs.sort());
      expect(byAttribute.totalCount).toBe(chefs.length);

      const segment = await server.gql<{ segments: Array<{ id: string; members: { nodes: Array<{ id: string }>; totalCount: number } }> }>(
        `{ segments { id members(first: 100) { nodes { id } totalCount } } }`,
      );
      const target = segment.data!.segments[0]!;
      const bySegment = await allPages<{ id: string }>(USERS, (d) => d.users as Page<{ id: string }>, { first: 2, filter: { segmentId: target.id } });
      expect(bySegment.nodes).toEqual(target.members.nodes);
      expect(bySegment.totalCount).toBe(target.members.totalCount);

      const both = await server.gql(USERS, { first: 2, filter: { segmentId: target.id, attributes: [{ attribute: 'occupation', equals: 'chef' }] } });
      expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('lists items, filtered by tags', async () => {
      const ITEMS = `query($after: String, $tags: [String!]) { items(first: 3, after: $after, filter: { tags: $tags }) {
        edges { cursor node { id tags } } nodes { id tags } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`;
      const space = await allPages<{ id: string; tags: string[] }>(ITEMS, (d) => d.items as Page<{ id: string; tags: string[] }>, { tags: ['space'] });
      expect(space.nodes.map((n) => n.id).sort()).toEqual(data.items.filter((i) => i.tags.includes('space')).map((i) => i.id).sort());
      const all = await allPages<{ id: string }>(
        `query($after: String) { items(first: 5, after: $after) { edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`,
        (d) => d.items as Page<{ id: string }>,
      );
      expect(all.nodes.length).toBe(data.items.length);
      expect(all.totalCount).toBe(data.items.length);
    });

    it('refuses a cursor that is not from the connection', async () => {
      const items = await server.gql<{ items: Page<{ id: string }> }>(`{ items(first: 1) { edges { cursor node { id } } } }`);
      const foreign = await server.gql(USERS, { first: 2, after: items.data!.items.edges[0]!.cursor });
      expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const garbage = await server.gql(USERS, { first: 2, after: 'not-a-cursor' });
      expect(garbage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('pages a user\'s interactions newest first, matching the deprecated list', async () => {
      const userId = data.users[3]!.id;
      // Two at the same instant: the order between them must still be stable across pages.
      const extra = ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2023-06-01T00:00:00Z'].map((at, i) => ({
        userId,
        itemId: data.items[i]!.id,
        kind: 'VIEW',
        at,
      }));
      const added = await server.gql(`mutation($i: [InteractionInput!]!) { createInteractions(interactions: $i) { count } }`, { i: extra });
      expect(added.data).toEqual({ createInteractions: { count: 3 } });
      const { nodes, totalCount } = await allPages<{ itemId: string; at: string }>(
        `query($after: String) { user(id: "${userId}") { interactionsConnection(first: 2, after: $after) {
          edges { cursor node { itemId at } } nodes { itemId at } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } } }`,
        (d) => (d.user as { interactionsConnection: Page<{ itemId: string; at: string }> }).interactionsConnection,
      );
      const list = await server.gql<{ user: { interactions: Array<{ itemId: string; at: string }> } }>(
        `{ user(id: "${userId}") { interactions(first: 100) { itemId at } } }`,
      );
      expect(nodes).toEqual(list.data!.user.interactions);
      expect(totalCount).toBe(nodes.length);
      expect(nodes.length).toBeGreaterThan(2);
    });

    it('pages runs newest first', async () => {
      await server.gql(`mutation { startSegmentationRun(input: { k: 3, seed: 6 }) { run { id } } }`);
      const { nodes, totalCount } = await allPages<{ id: string; createdAt: string }>(
        `query($after: String) { segmentationRunsConnection(first: 1, after: $after) {
          edges { cursor node { id createdAt } } nodes { id createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`,
        (d) => d.segmentationRunsConnection as Page<{ id: string; createdAt: string }>,
      );
      const list = await server.gql<{ segmentationRuns: Array<{ id: string }> }>(`{ segmentationRuns(first: 100) { id } }`);
      expect(nodes.map((n) => n.id)).toEqual(list.data!.segmentationRuns.map((r) => r.id));
      expect(totalCount).toBe(nodes.length);
      expect(nodes.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('global ids', () => {
    it('fetches users, items, segments and runs again by nodeId, one by one and together', async () => {
      const res = await server.gql<{
        user: { nodeId: string; id: string };
        item: { nodeId: string; id: string };
        segments: Array<{ nodeId: string; id: string }>;
        segmentationRun: { nodeId: string; id: string };
      }>(
        `query($user: ID!, $item: ID!, $run: ID!) { user(id: $user) { nodeId id } item(id: $item) { nodeId id } segments { nodeId id } segmentationRun(id: $run) { nodeId id } }`,
        { user: data.users[0]!.id, item: data.items[0]!.id, run: runId },
      );
      const { user, item, segments, segmentationRun } = res.data!;
      const expected = [
        { __typename: 'User', id: user.id },
        { __typename: 'Item', id: item.id },
        { __typename: 'Segment', id: segments[0]!.id },
        { __typename: 'SegmentationRun', id: segmentationRun.id },
      ];
      const ids = [user.nodeId, item.nodeId, segments[0]!.nodeId, segmentationRun.nodeId];
      expect(new Set(ids).size).toBe(4);
      const FIELDS = `__typename ... on User { id } ... on Item { id } ... on Segment { id } ... on SegmentationRun { id }`;
      for (const [i, id] of ids.entries()) {
        const one = await server.gql<{ node: unknown }>(`query($id: ID!) { node(id: $id) { ${FIELDS} } }`, { id });
        expect(one.data!.node).toEqual(expected[i]);
      }
      const many = await server.gql<{ nodes: unknown[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { ${FIELDS} } }`, { ids });
      expect(many.data!.nodes).toEqual(expected);
    });

    it('answers null for a deleted object and BAD_USER_INPUT for a string that is not a global id', async () => {
      const created = await server.gql<{ upsertUsers: { users: Array<{ nodeId: string }> } }>(
        `mutation { upsertUsers(users: [{ id: "short-lived", text: "here today" }]) { users { nodeId } } }`,
      );
      const nodeId = created.data!.upsertUsers.users[0]!.nodeId;
      await server.gql(`mutation { deleteUsers(ids: ["short-lived"]) { deletedIds } }`);
      expect((await server.gql<{ node: null }>(`query($id: ID!) { node(id: $id) { __typename } }`, { id: nodeId })).data!.node).toBeNull();
      const bad = await server.gql(`{ node(id: "short-lived") { __typename } }`);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('segments', () => {
    it('names a segment by its key, keeps its computed label, and refuses an empty name or an unknown key', async () => {
      const segments = await server.gql<{ segments: Array<{ id: string; key: string; label: string; name: string | null }> }>(`{ segments { id key label name } }`);
      const target = segments.data!.segments[1]!;
      expect(target.name).toBeNull();
      const named = await server.gql<{ updateSegment: { segment: { id: string; name: string; label: string } } }>(
        `mutation($key: ID!) { updateSegment(key: $key, name: "Weekend bakers") { segment { id name label } ${USER_ERRORS} } }`,
        { key: target.key },
      );
      expect(named.data!.updateSegment).toEqual({ segment: { id: target.id, name: 'Weekend bakers', label: target.label }, userErrors: [] });
      const read = await server.gql<{ segment: { name: string } }>(`query($id: ID!) { segment(id: $id) { name } }`, { id: target.id });
      expect(read.data!.segment.name).toBe('Weekend bakers');
      const empty = await server.gql<{ updateSegment: { segment: null; userErrors: Array<{ field: string[]; code: string }> } }>(
        `mutation($key: ID!) { updateSegment(key: $key, name: "   ") { segment { id } ${USER_ERRORS} } }`,
        { key: target.key },
      );
      expect(empty.data!.updateSegment).toMatchObject({ segment: null, userErrors: [{ field: ['name'], code: 'BAD_USER_INPUT' }] });
      const unknown = await server.gql<{ updateSegment: { userErrors: Array<{ field: string[]; code: string }> } }>(
        `mutation { updateSegment(key: "nope", name: "x") { segment { id } ${USER_ERRORS} } }`,
      );
      expect(unknown.data!.updateSegment.userErrors).toMatchObject([{ field: ['key'], code: 'NOT_FOUND' }]);
      expect((await server.gql<{ segment: { name: string } }>(`query($id: ID!) { segment(id: $id) { name } }`, { id: target.id })).data!.segment.name).toBe(
        'Weekend bakers',
      );
    });

    it('gives every segment its run and metrics (non-null)', async () => {
      const res = await server.gql<{ activeSegmentationRun: { id: string }; segments: Array<{ run: { id: string }; metrics: { share: number } }> }>(
        `{ activeSegmentationRun { id } segments { run { id } metrics { share } } }`,
      );
      expect(res.errors).toBeUndefined();
      for (const s of res.data!.segments) {
        expect(s.run.id).toBe(res.data!.activeSegmentationRun.id);
        expect(s.metrics.share).toBeGreaterThan(0);
      }
    });
  });

  describe('@oneOf', () => {
    it('finds similar users by `to`, and refuses both or neither of its fields', async () => {
      const byUser = await server.gql<{ similarUsers: Array<{ user: { id: string } }> }>(
        `query($id: ID!) { similarUsers(to: { userId: $id }, limit: 3) { user { id } } }`,
        { id: data.users[0]!.id },
      );
      expect(byUser.data!.similarUsers).toHaveLength(3);
      expect(byUser.data!.similarUsers.map((s) => s.user.id)).not.toContain(data.users[0]!.id);
      const both = await server.gql(`{ similarUsers(to: { userId: "a", text: "b" }) { score } }`);
      expect(both.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const neither = await server.gql(`query($to: SimilarUsersTo) { similarUsers(to: $to) { score } }`, { to: {} });
      expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('batched lookups (DataLoader)', () => {
    it('reads the segments of a page of users, and their runs, with one store call', async () => {
      const many = vi.spyOn(server.app.services.segments, 'getMany');
      const one = vi.spyOn(server.app.services.segments, 'get');
      try {
        const res = await server.gql<{ users: { nodes: Array<{ segment: { id: string; run: { id: string } } | null }> } }>(
          `{ users(first: 20) { nodes { segment { id run { id } } } } }`,
        );
        expect(res.errors).toBeUndefined();
        const segments = new Set(res.data!.users.nodes.map((u) => u.segment?.id));
        expect(segments.size).toBeGreaterThan(1);
        expect(many).toHaveBeenCalledTimes(1);
        expect(one).not.toHaveBeenCalled();
      } finally {
        many.mockRestore();
        one.mockRestore();
      }
    });

    it('loads the users and items of every interaction on a page with one store call each', async () => {
      const users = vi.spyOn(server.app.services.users, 'getMany');
      const items = vi.spyOn(server.app.services.items, 'getMany');
      try {
        const res = await server.gql<{ users: { nodes: Array<{ interactionsConnection: { nodes: Array<{ user: { id: string }; item: { id: string } }> } }> } }>(
          `{ users(first: 10) { nodes { interactionsConnection(first: 10) { nodes { user { id } item { id } } } } } }`,
        );
        expect(res.errors).toBeUndefined();
        const interactions = res.data!.users.nodes.flatMap((u) => u.interactionsConnection.nodes);
        expect(interactions.length).toBeGreaterThan(10);
        expect(users).toHaveBeenCalledTimes(1);
        expect(items).toHaveBeenCalledTimes(1);
        expect(new Set(items.mock.calls[0]![0])).toEqual(new Set(interactions.map((i) => i.item.id)));
      } finally {
        users.mockRestore();
        items.mockRestore();
      }
    });
  });
});
