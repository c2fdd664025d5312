/**
 * Every writer of a record goes through one discipline (per-record locks; compare-and-set for
 * runs). Each test here failed on the design before it: the profile refresher wrote back
 * records it had read before an upsert, concurrent upserts of the same ids counted creations
 * twice, two reclusters could both start, and a cancel could land on a run being activated.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/clustering/random.js';
import { createEmbedder } from '../../src/embedding/index.js';
import { USERS } from '../../src/store/collections.js';
import { createVectorStore } from '../../src/store/create-store.js';
import { buildProfileText } from '../../src/users/profile-text.js';
import { userFromRecord } from '../../src/users/user.js';
import { personaData, PERSONAS } from '../support/personas.js';
import { testStoreConfig } from '../support/test-backend.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const UPSERT = `mutation($u: [UserInput!]!) { upsertUsers(users: $u) { count created updated } }`;
const RECORD = `mutation($i: [InteractionInput!]!) { recordInteractions(interactions: $i) }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe('the profile refresher never overwrites an acknowledged upsert', () => {
  let server: TestServer;
  const users = 1000;
  const ids = Array.from({ length: users }, (_, i) => `r-${i}`);

  beforeAll(async () => {
    server = await startTestServer({ PROFILE_REFRESH_DELAY_MS: '500' });
    const items = Array.from({ length: 20 }, (_, i) => ({ id: `item-${i}`, title: `${PERSONAS[i % 6]!.words[i % 10]} guide` }));
    const res = await server.gql(`mutation($i: [ItemInput!]!) { upsertItems(items: $i) { count } }`, { i: items });
    expect(res.errors).toBeUndefined();
  });
  afterAll(() => server?.close());

  it('loses 0 of 1,000 users over 10 trials of interactions, a pause, then a new upsert', async () => {
    let lost = 0;
    for (let trial = 0; trial < 10; trial++) {
      const oldText = `trial ${trial} old hiking mountain camping trail`;
      const newText = `trial ${trial} new guitar concert album piano`;
      expect((await server.gql(UPSERT, { u: ids.map((id) => ({ id, text: oldText })) })).errors).toBeUndefined();
      const interactions = ids.map((id, i) => ({ userId: id, itemId: `item-${i % 20}`, kind: 'LIKE' }));
      expect((await server.gql(RECORD, { i: interactions })).errors).toBeUndefined();
      // The refresher starts about 500 ms after the last write: land the upsert while it works.
      await sleep(450 + trial * 20);
      const res = await server.gql<{ upsertUsers: { updated: number } }>(UPSERT, { u: ids.map((id) => ({ id, text: newText })) });
      expect(res.errors).toBeUndefined();
      expect(res.data!.upsertUsers.updated).toBe(users);
      // Let the refresher finish whatever it was doing, and any rebuild the upsert's interactions queued.
      await sleep(700);
      const stored = await server.app.services.users.getMany(ids);
      for (const id of ids) {
        const user = stored.get(id);
        // Text and vector are written together, so an old text back in the record is a lost upsert.
        if (user?.text !== newText) lost++;
      }
    }
    expect(lost).toBe(0);
  });
});

describe('concurrent writers of the same records', () => {
  let server: TestServer | undefined;
  afterAll(() => server?.close());

  it('8 clients upserting the same 200 ids: every stored vector is the embedding of the stored text, and creations are counted once', async () => {
    server = await startTestServer();
    const live = server;
    const ids = Array.from({ length: 200 }, (_, i) => `c-${i}`);
    const random = new Random(7);
    const clients = Array.from({ length: 8 }, (_, c) => {
      const words = PERSONAS[c % PERSONAS.length]!.words;
      // Each client sends the ids in its own order, in batches, so writes interleave.
      const order = [...ids].sort(() => random.next() - 0.5);
      const batches = [order.slice(0, 70), order.slice(70, 140), order.slice(140)];
      return batches.map((batch) => batch.map((id, i) => ({ id, text: `${words[(i + c) % 10]} ${words[(i + 3) % 10]} ${words[(i * 7) % 10]} client${c}` })));
    });
    const results = await Promise.all(
      clients.map(async (batches) => {
        let created = 0;
        let updated = 0;
        for (const batch of batches) {
          const res = await live.gql<{ upsertUsers: { created: number; updated: number } }>(UPSERT, { u: batch });
          expect(res.errors).toBeUndefined();
          created += res.data!.upsertUsers.created;
          updated += res.data!.upsertUsers.updated;
        }
        return { created, updated };
      }),
    );
    expect(results.reduce((s, r) => s + r.created, 0)).toBe(200);
    expect(results.reduce((s, r) => s + r.updated, 0)).toBe(7 * 200);

    const dataDir = live.dataDir;
    await live.close({ keepData: true });
    server = undefined;
    const store = await createVectorStore(await testStoreConfig(dataDir));
    const embedder = await createEmbedder({ model: 'default', modelsDir: path.resolve('models'), batchSize: 64 });
    try {
      const records = await store.get(USERS, ids, { withVector: true });
      expect(records).toHaveLength(200);
      // These users have no interactions: their profile text is their text and attributes written out.
      const texts = records.map((r) => buildProfileText(userFromRecord(r).text, userFromRecord(r).attributes));
      const expected = await embedder.embed(texts);
      records.forEach((r, i) => {
        expect(cosine(r.vector!, expected[i]!)).toBeGreaterThan(0.9999);
      });
    } finally {
      await store.close();
      await embedder.close();
    }
  });
});

describe('runs under concurrency', () => {
  let server: TestServer;
  const data = personaData(12, 3);

  beforeAll(async () => {
    server = await startTestServer();
    expect((await server.gql(UPSERT, { u: data.users })).errors).toBeUndefined();
  });
  afterAll(() => server?.close());

  async function settle(runId: string): Promise<string> {
    for (;;) {
      const res = await server.gql<{ segmentationRun: { status: string } }>(`query($id: ID!) { segmentationRun(id: $id) { status } }`, { id: runId });
      const status = res.data!.segmentationRun.status;
      if (status !== 'QUEUED' && status !== 'RUNNING') return status;
      await sleep(10);
    }
  }

  it('two reclusters at once: exactly one proceeds, the other gets CONFLICT', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const [a, b] = await Promise.all([
        server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 4, seed: ${trial} }) { id } }`),
        server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 5, seed: ${trial} }) { id } }`),
      ]);
      const ok = [a, b].filter((r) => r.data?.recluster);
      const refused = [a, b].filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT');
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(await settle(ok[0]!.data!.recluster.id)).toBe('SUCCEEDED');
    }
  });

  it('cancelRun racing activation never leaves a CANCELLED run active', async () => {
    let cancelledCount = 0;
    let succeededCount = 0;
    const RUN = `mutation($seed: Int) { recluster(input: { kRange: { min: 2, max: 10 }, seed: $seed }) { id } }`;
    // How long one run takes here, so the cancels below spread from its start to past its end.
    const started = Date.now();
    const first = await server.gql<{ recluster: { id: string } }>(RUN, { seed: 99 });
    expect(await settle(first.data!.recluster.id)).toBe('SUCCEEDED');
    const duration = Date.now() - started;
    const trials = 16;
    for (let trial = 0; trial < trials; trial++) {
      // An automatic-k run over several k lasts long enough to be caught at any of its steps.
      const res = await server.gql<{ recluster: { id: string } }>(RUN, { seed: trial });
      const runId = res.data!.recluster.id;
      // Cancel at a different moment each trial, from the start to past the end of the run.
      await sleep((duration * 1.5 * trial) / trials);
      const cancel = await server.gql<{ cancelRun: { status: string } }>(`mutation($id: ID!) { cancelRun(id: $id) { status } }`, { id: runId });
      const status = await settle(runId);
      const active = await server.gql<{ activeSegmentationRun: { id: string; status: string } | null }>(`{ activeSegmentationRun { id status } }`);
      expect(active.data!.activeSegmentationRun?.status ?? 'SUCCEEDED').toBe('SUCCEEDED');
      if (cancel.data?.cancelRun) {
        expect(cancel.data.cancelRun.status).toBe('CANCELLED');
        expect(status).toBe('CANCELLED');
        expect(active.data!.activeSegmentationRun?.id).not.toBe(runId);
        cancelledCount++;
      } else {
        expect(cancel.errors?.[0]?.extensions?.code).toBe('CONFLICT');
        expect(status).toBe('SUCCEEDED');
        expect(active.data!.activeSegmentationRun?.id).toBe(runId);
        succeededCount++;
      }
    }
    // Both outcomes happened, so the race was really run.
    expect(cancelledCount).toBeGreaterThan(0);
    expect(succeededCount).toBeGreaterThan(0);
  });
});
