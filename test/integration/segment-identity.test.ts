import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/webhooks/signature.js';
import { personaData } from '../support/personas.js';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

const data = personaData(10, 7);
const SECRET = 'test-webhook-secret-0123456789';

interface Received {
  body: string;
  signature: string;
  delivery: string;
  attempt: string;
}

/** A webhook receiver on 127.0.0.1 that refuses the first request (HTTP 500) and accepts the rest. */
async function startReceiver() {
  const received: Received[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests += 1;
      if (requests === 1) {
        res.writeHead(500).end('try again');
        return;
      }
      received.push({
        body,
        signature: String(req.headers['x-segmentql-signature']),
        delivery: String(req.headers['x-segmentql-delivery']),
        attempt: String(req.headers['x-segmentql-attempt']),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, requests: () => requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

type Change = { key: string; kind: string; relatedKeys: string[]; usersEntered: number; usersLeft: number };
type Run = { id: string; status: string; changes: Change[]; segments: Array<{ key: string; size: number }> };

async function recluster(server: TestServer, input: Record<string, unknown>): Promise<Run> {
  const started = await server.gql<{ recluster: { id: string } }>(`mutation($input: ReclusterInput) { recluster(input: $input) { id } }`, { input });
  expect(started.errors).toBeUndefined();
  const id = started.data!.recluster.id;
  await collect(server.ws(), `subscription($id: ID) { segmentationRunUpdated(runId: $id) { id status } }`, { id });
  const res = await server.gql<{ segmentationRun: Run }>(
    `query($id: ID!) { segmentationRun(id: $id) { id status changes { key kind relatedKeys usersEntered usersLeft } segments { key size } } }`,
    { id },
  );
  expect(res.data!.segmentationRun.status).toBe('SUCCEEDED');
  return res.data!.segmentationRun;
}

async function until<T>(probe: () => Promise<T | null>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('stable segment keys, membership events and webhooks', () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ MAX_RESULT_LIMIT: '200', WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_BATCH_SIZE: '25', SENSITIVE_ATTRIBUTES: 'occupation', PROFILE_EXCLUDE_ATTRIBUTES: 'age' });
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: data.items });
    await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users: data.users });
    await server.gql(`mutation($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }`, { rows: data.interactions });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  let first: Run;
  let secondRunId = '';
  it('announces every user on the first run and gives every segment a NEW key', async () => {
    const events = collect<{ segmentMembershipChanged: { userId: string; from: string | null; to: string; cause: string; runId: string; user: { id: string } } }>(
      server.ws(),
      `subscription { segmentMembershipChanged { userId from to cause runId at user { id } } }`,
      {},
      (() => {
        let n = 0;
        return () => ++n === data.users.length;
      })(),
    );
    await new Promise((r) => setTimeout(r, 100)); // the subscription is registered before the run switches
    first = await recluster(server, { k: 6, seed: 1 });
    const changes = (await events).map((e) => e.segmentMembershipChanged);
    expect(new Set(changes.map((c) => c.userId)).size).toBe(data.users.length);
    expect(changes.every((c) => c.from === null && c.cause === 'RUN' && c.runId === first.id && c.user.id === c.userId)).toBe(true);
    const keys = new Set(first.segments.map((s) => s.key));
    expect(keys.size).toBe(6);
    expect(changes.every((c) => keys.has(c.to))).toBe(true);
    expect(first.changes.map((c) => c.kind)).toEqual(Array(6).fill('NEW'));
  });

  it('reports skew of sensitive attributes and leaves excluded attributes out of profiles', async () => {
    const res = await server.gql<{
      activeSegmentationRun: { largestSkew: { attribute: string; ratio: number; flagged: boolean; segmentKey: string } };
      segments: Array<{ key: string; skew: Array<{ attribute: string; value: string; share: number; overallShare: number; ratio: number; flagged: boolean }> }>;
      user: { profileText: string; attributes: { age: number } };
    }>(
      `query($id: ID!) { activeSegmentationRun { largestSkew { attribute ratio flagged segmentKey } }
         segments { key skew { attribute value share overallShare ratio flagged } }
         user(id: $id) { profileText attributes } }`,
      { id: data.users[0]!.id },
    );
    expect(res.errors).toBeUndefined();
    // Each planted persona has one occupation: every segment is all one occupation, about 6 times its overall share.
    for (const segment of res.data!.segments) {
      expect(segment.skew[0]).toMatchObject({ attribute: 'occupation', flagged: true });
      expect(segment.skew[0]!.ratio).toBeCloseTo(segment.skew[0]!.share / segment.skew[0]!.overallShare, 6);
      expect(segment.skew[0]!.ratio).toBeGreaterThan(4);
      expect(segment.skew.every((s) => s.attribute === 'occupation')).toBe(true);
    }
    expect(res.data!.activeSegmentationRun.largestSkew).toMatchObject({ attribute: 'occupation', flagged: true });
    // Age stays on the user but is not embedded.
    expect(res.data!.user.attributes.age).toBeGreaterThan(0);
    expect(res.data!.user.profileText).not.toMatch(/age:/);
    expect(res.data!.user.profileText).toContain('occupation:');
  });

  it('keeps keys, names and descriptions across a recluster with another seed', async () => {
    const key = first.segments[0]!.key;
    const named = await server.gql<{ updateSegment: { segment: { key: string; name: string; description: string; label: string }; userErrors: unknown[] } }>(
      `mutation($key: ID!) { updateSegment(key: $key, name: "Weekend campers", description: "Spring campaign audience") { segment { key name description label } userErrors { code } } }`,
      { key },
    );
    expect(named.errors).toBeUndefined();
    expect(named.data!.updateSegment.userErrors).toEqual([]);
    expect(named.data!.updateSegment.segment).toMatchObject({ key, name: 'Weekend campers', description: 'Spring campaign audience' });

    const second = await recluster(server, { k: 6, seed: 99 });
    secondRunId = second.id;
    expect(new Set(second.segments.map((s) => s.key))).toEqual(new Set(first.segments.map((s) => s.key)));
    expect(second.changes.map((c) => c.kind)).toEqual(Array(6).fill('KEPT'));
    expect(second.changes.every((c) => c.usersEntered === 0 && c.usersLeft === 0)).toBe(true);
    const res = await server.gql<{ segmentByKey: { runId: string; name: string; description: string } }>(`query($key: ID!) { segmentByKey(key: $key) { runId name description } }`, { key });
    expect(res.data!.segmentByKey).toEqual({ runId: second.id, name: 'Weekend campers', description: 'Spring campaign audience' });
  });

  it('reports merges and retired keys when fewer segments are asked for, and a retired key still resolves', async () => {
    const before = new Set(first.segments.map((s) => s.key));
    const third = await recluster(server, { k: 3, seed: 1 });
    expect(third.changes.filter((c) => c.kind === 'RETIRED').length).toBeGreaterThanOrEqual(3);
    expect(third.changes.some((c) => c.kind === 'MERGED' && c.relatedKeys.length >= 2)).toBe(true);
    // Every previous key is accounted for; a current key is an old one or a NEW/MERGED one (a merge of three keeps none).
    for (const key of before) expect(third.changes.some((c) => c.key === key)).toBe(true);
    for (const s of third.segments) {
      const change = third.changes.find((c) => c.key === s.key)!;
      expect(before.has(s.key) || ['NEW', 'MERGED'].includes(change.kind)).toBe(true);
      // Users entering a key add up to the segment's size when the key is new.
      if (!before.has(s.key)) expect(change.usersEntered).toBe(s.size);
    }
    const retired = third.changes.find((c) => c.kind === 'RETIRED')!;
    const moved = third.changes.filter((c) => c.kind === 'RETIRED').reduce((sum, c) => sum + c.usersLeft, 0);
    expect(moved).toBeGreaterThan(0);
    const res = await server.gql<{ segmentByKey: { key: string; runId: string } }>(`query($key: ID!) { segmentByKey(key: $key) { key runId } }`, { key: retired.key });
    expect(res.data!.segmentByKey.key).toBe(retired.key);
    expect(res.data!.segmentByKey.runId).not.toBe(third.id);
  });

  it('announces DELETION with the key the erased user had', async () => {
    const userId = data.users[0]!.id;
    const keyRes = await server.gql<{ user: { segment: { key: string } } }>(`query($id: ID!) { user(id: $id) { segment { key } } }`, { id: userId });
    const key = keyRes.data!.user.segment.key;
    const events = collect<{ segmentMembershipChanged: { userId: string; from: string; to: string | null; cause: string; user: unknown } }>(
      server.ws(),
      `subscription($key: ID) { segmentMembershipChanged(segmentKey: $key) { userId from to cause user { id } } }`,
      { key },
      () => true,
    );
    await new Promise((r) => setTimeout(r, 100));
    const deleted = await server.gql(`mutation($ids: [ID!]!) { deleteUsers(ids: $ids) { deletedIds } }`, { ids: [userId] });
    expect(deleted.errors).toBeUndefined();
    expect((await events)[0]!.segmentMembershipChanged).toEqual({ userId, from: key, to: null, cause: 'DELETION', user: null });
  });

  it('announces LIVE_ASSIGNMENT when a new user is placed in an active segment', async () => {
    const events = collect<{ segmentMembershipChanged: { userId: string; from: string | null; to: string; cause: string } }>(
      server.ws(),
      `subscription { segmentMembershipChanged(userId: "newcomer") { userId from to cause } }`,
      {},
      () => true,
    );
    await new Promise((r) => setTimeout(r, 100));
    const upserted = await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, {
      users: [{ id: 'newcomer', text: data.users[1]!.text, attributes: data.users[1]!.attributes }],
    });
    expect(upserted.errors).toBeUndefined();
    const change = (await events)[0]!.segmentMembershipChanged;
    expect(change).toMatchObject({ userId: 'newcomer', from: null, cause: 'LIVE_ASSIGNMENT' });
    const res = await server.gql<{ user: { segment: { key: string } } }>(`{ user(id: "newcomer") { segment { key } } }`);
    expect(change.to).toBe(res.data!.user.segment.key);
  });

  it('delivers every event as signed JSON to the webhook, retrying after a failure', async () => {
    const deliveries = await until(async () => {
      const res = await server.gql<{ webhookDeliveries: Array<{ id: string; status: string; attempts: number; eventCount: number; lastStatus: number }> }>(
        `{ webhookDeliveries(first: 100) { id status attempts eventCount lastStatus } }`,
      );
      const rows = res.data!.webhookDeliveries;
      return rows.length > 0 && rows.every((d) => d.status === 'DELIVERED') ? rows : null;
    }, 'every delivery to be DELIVERED');
    // The receiver refused the very first request: that delivery took two attempts.
    expect(receiver.requests()).toBe(receiver.received.length + 1);
    expect(deliveries.some((d) => d.attempts === 2)).toBe(true);
    expect(receiver.received.some((r) => r.attempt === '2')).toBe(true);
    for (const r of receiver.received) expect(verifySignature(SECRET, r.body, r.signature)).toBe(true);
    const events = receiver.received.flatMap(
      (r) => (JSON.parse(r.body) as { events: Array<{ userId: string; cause: string; from: string | null; to: string | null; runId: string }> }).events,
    );
    // The run that kept every key moved nobody, so it sent nothing.
    expect(events.filter((e) => e.runId === secondRunId)).toEqual([]);
    // First run: one event per user (batches of 25); later: the users who moved on k=3, and one DELETION.
    expect(events.filter((e) => e.cause === 'RUN' && e.from === null)).toHaveLength(data.users.length);
    expect(events.filter((e) => e.cause === 'DELETION')).toEqual([expect.objectContaining({ userId: data.users[0]!.id, to: null })]);
    expect(events.filter((e) => e.cause === 'LIVE_ASSIGNMENT')).toEqual([expect.objectContaining({ userId: 'newcomer', from: null })]);
    expect(deliveries.reduce((sum, d) => sum + d.eventCount, 0)).toBe(events.length);
  });

  it('refuses bad naming with a clear error and writes nothing', async () => {
    type Payload = { updateSegment: { segment: null; userErrors: Array<{ code: string }> } };
    const unknown = await server.gql<Payload>(`mutation { updateSegment(key: "seg_nope", name: "x") { segment { key } userErrors { code } } }`);
    expect(unknown.data!.updateSegment).toEqual({ segment: null, userErrors: [{ code: 'NOT_FOUND' }] });
    const key = first.segments[0]!.key;
    const empty = await server.gql<Payload>(`mutation($key: ID!) { updateSegment(key: $key, name: "   ") { segment { key } userErrors { code } } }`, { key });
    expect(empty.data!.updateSegment).toEqual({ segment: null, userErrors: [{ code: 'BAD_USER_INPUT' }] });
    const long = await server.gql<Payload>(`mutation($key: ID!, $name: String) { updateSegment(key: $key, name: $name) { segment { key } userErrors { code } } }`, {
      key,
      name: 'x'.repeat(201),
    });
    expect(long.data!.updateSegment).toEqual({ segment: null, userErrors: [{ code: 'BAD_USER_INPUT' }] });
    const res = await server.gql<{ segmentByKey: { name: string } }>(`query($key: ID!) { segmentByKey(key: $key) { name } }`, { key });
    expect(res.data!.segmentByKey.name).toBe('Weekend campers');
  });
});
