/**
 * Moving a running service to another embedding model (src/migration/): the old space serves
 * until the new one is built, writes made meanwhile land in the new space, a restart mid-way
 * leaves the old space serving and the next migration starts over.
 *
 * The two models are the two offline ones: the English-only GloVe model of earlier versions and
 * the current default (GloVe plus hashed subwords), so every vector really changes.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, DEFAULT_MODEL_ID, GLOVE_MODEL_ID, type Embedder } from '../../src/embedding/index.js';
import { createVectorStore } from '../../src/store/create-store.js';
import { USERS } from '../../src/store/collections.js';
import type { StoredRecord, VectorStore } from '../../src/store/port.js';
import { buildProfileText } from '../../src/users/profile-text.js';
import { userFromRecord } from '../../src/users/user.js';
import { testStoreConfig } from '../support/test-backend.js';
import { startTestServer, tempDataDir, type TestServer } from '../support/test-server.js';

const UPSERT_USERS = `mutation($u: [UserInput!]!) { upsertUsers(users: $u) { count userErrors { message } } }`;
const DELETE_USERS = `mutation($ids: [ID!]!) { deleteUsers(ids: $ids) { deletedIds userErrors { message } } }`;
const TOPICS = ['astronomy and telescopes', 'baking bread and cakes', 'hiking in the mountains', 'jazz records and vinyl'];
const OLD = { EMBEDDING_MODEL: GLOVE_MODEL_ID };
const NEW = { EMBEDDING_MODEL: 'default' };
/** Each test starts several servers, each loading one or two models: slow on a shared machine, though nothing here is timed. */
const SLOW = { timeout: 300_000 };

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? (na === nb ? 1 : 0) : dot / Math.sqrt(na * nb);
}

async function allUsers(store: VectorStore): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.scroll(USERS, { limit: 500, withVector: true, ...(cursor !== undefined && { cursor }) });
    out.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

/** Users as the store holds them now, read by a second store handle (what the service's own alias or pointer leads to). */
async function storedUsers(dataDir: string): Promise<{ users: StoredRecord[]; modelId: string | undefined; others: string[] }> {
  const store = await createVectorStore(await testStoreConfig(dataDir));
  try {
    return { users: await allUsers(store), modelId: (await store.readMeta())?.modelId, others: (await store.spaces()).others };
  } finally {
    await store.close();
  }
}

async function seed(server: TestServer, users: number): Promise<void> {
  for (let start = 0; start < users; start += 500) {
    const batch = Array.from({ length: Math.min(500, users - start) }, (_, k) => ({
      id: `u${start + k}`,
      text: `person ${start + k} who loves ${TOPICS[(start + k) % TOPICS.length]}`,
    }));
    const res = await server.gql(UPSERT_USERS, { u: batch });
    expect(res.errors).toBeUndefined();
  }
}

describe('embedding migration', () => {
  let newModel: Embedder;
  let oldModel: Embedder;
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>, dataDir: string) => {
    const server = await startTestServer(env, dataDir);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    const modelsDir = path.resolve('models');
    newModel = await createEmbedder({ model: 'default', modelsDir });
    oldModel = await createEmbedder({ model: GLOVE_MODEL_ID, modelsDir });
  });
  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => undefined);
    await newModel?.close();
    await oldModel?.close();
  });

  /** Every stored user's vector is the new model's embedding of its profile text (these users have no interactions). */
  async function expectAllInNewSpace(users: StoredRecord[]): Promise<void> {
    const texts = users.map((u) => buildProfileText(userFromRecord(u).text, userFromRecord(u).attributes));
    // Derived data stays out of the records, rebuilt ones included.
    expect(users.filter((u) => 'profileText' in u.payload)).toEqual([]);
    const expected = await newModel.embed(texts);
    const old = await oldModel.embed(texts);
    const wrong = users.filter((u, i) => cosine(u.vector!, expected[i]!) < 0.9999).map((u) => u.id);
    expect(wrong).toEqual([]);
    // The check can tell the spaces apart: the old model gives other vectors for these texts.
    expect(users.filter((_, i) => cosine(old[i]!, expected[i]!) < 0.99).length).toBeGreaterThan(users.length / 2);
  }

  it('with EMBEDDING_MIGRATION=auto serves the old space with the old model while it builds the new one, then switches', SLOW, async () => {
    const dataDir = tempDataDir();
    let server = await start(OLD, dataDir);
    await seed(server, 300);
    await server.gql(`mutation { upsertItems(items: [{ id: "i1", title: "Space telescope" }, { id: "i2", title: "Sourdough starter" }]) { count } }`);
    await server.gql(`mutation { recordInteractions(interactions: [{ userId: "u0", itemId: "i1", kind: PURCHASE, value: 1 }]) }`);
    const run = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 2, seed: 3 }) { id } }`);
    for (let i = 0; i < 300; i++) {
      const res = await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${run.data!.recluster.id}") { status } }`);
      if (res.data!.segmentationRun.status === 'SUCCEEDED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const segmentsQuery = `{ segments { id size } user(id: "u1") { text segment { id } } }`;
    const before = await server.gql(segmentsQuery);
    await server.close({ keepData: true });

    server = await start({ ...NEW, EMBEDDING_MIGRATION: 'auto', EMBEDDING_MIGRATION_BATCH_SIZE: '50' }, dataDir);
    const migration = server.app.embeddingMigration;
    // Served at once, from the old space.
    expect(migration.status()).toMatchObject({ fromModel: GLOVE_MODEL_ID, toModel: DEFAULT_MODEL_ID });
    expect((await server.gql(segmentsQuery)).data).toEqual(before.data);
    await migration.settled();
    const status = migration.status();
    expect(status).toMatchObject({ phase: 'done', error: null, done: status.total });
    // 300 users, 2 items and the run's segments.
    expect(status.total).toBeGreaterThan(302);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { embeddingMigration: { phase: string } };
    expect(ready.embeddingMigration.phase).toBe('done');

    // Memberships and segments are the same; their centroids are now the new space's.
    expect((await server.gql(segmentsQuery)).data).toEqual(before.data);
    const similar = await server.gql<{ similarUsers: Array<{ user: { id: string } }> }>(`{ similarUsers(text: "telescopes and stars", limit: 3) { user { id } } }`);
    expect(similar.errors).toBeUndefined();
    const stored = await storedUsers(dataDir);
    expect(stored.modelId).toBe(DEFAULT_MODEL_ID);
    expect(stored.users).toHaveLength(300);
    await expectAllInNewSpace(stored.users.filter((u) => u.id !== 'u0'));

    // The next start with the new model needs no migration.
    await server.close({ keepData: true });
    server = await start(NEW, dataDir);
    expect(server.app.embeddingMigration.status().phase).toBe('idle');
    expect((await server.gql(segmentsQuery)).data).toEqual(before.data);
  });

  it('loses no write made during the migration: creations, updates and deletions all reach the new space', SLOW, async () => {
    const dataDir = tempDataDir();
    const server = await start({ ...OLD, EMBEDDING_MIGRATION_BATCH_SIZE: '100' }, dataDir);
    await seed(server, 1000);
    const expected = new Map<string, string | null>(Array.from({ length: 1000 }, (_, i) => [`u${i}`, `person ${i} who loves ${TOPICS[i % TOPICS.length]}`]));
    const target = await createEmbedder({ model: 'default', modelsDir: path.resolve('models') });
    const migration = server.app.embeddingMigration;
    migration.start(target, 'test: concurrent writers');
    let finished = false;
    void migration.settled().then(() => (finished = true));

    // Three writers, each going until the migration has switched (and one round after).
    let writesDuringMigration = 0;
    const writer = async (w: number) => {
      let round = 0;
      while (!finished) {
        const inMigration = migration.status().phase !== 'done';
        const created = { id: `w${w}-${round}`, text: `writer ${w} round ${round} likes ${TOPICS[round % TOPICS.length]}` };
        const updated = { id: `u${(w * 500 + round * 7) % 1000}`, text: `changed by writer ${w} in round ${round}: ${TOPICS[(round + w) % TOPICS.length]}` };
        const res = await server.gql(UPSERT_USERS, { u: [created, updated] });
        expect(res.errors).toBeUndefined();
        expected.set(created.id, created.text);
        expected.set(updated.id, updated.text);
        if (round % 3 === 0) {
          const gone = `u${(w * 500 + round * 11 + 3) % 1000}`;
          const del = await server.gql(DELETE_USERS, { ids: [gone] });
          expect(del.errors).toBeUndefined();
          expected.set(gone, null);
        }
        if (inMigration) writesDuringMigration++;
        round++;
      }
    };
    await Promise.all([writer(0), writer(1), writer(2)]);
    expect(migration.status()).toMatchObject({ phase: 'done', error: null });
    expect(writesDuringMigration).toBeGreaterThan(0);

    const stored = await storedUsers(dataDir);
    expect(stored.modelId).toBe(DEFAULT_MODEL_ID);
    const byId = new Map(stored.users.map((u) => [u.id, u]));
    const wrongText = [...expected].filter(([id, text]) => (text === null ? byId.has(id) : byId.get(id)?.payload.text !== text));
    expect(wrongText).toEqual([]);
    expect(stored.users.length).toBe([...expected.values()].filter((t) => t !== null).length);
    await expectAllInNewSpace(stored.users);
  });

  it('after a restart mid-migration the old space still serves, and the next migration drops the half-built space and starts over', SLOW, async () => {
    const dataDir = tempDataDir();
    let server = await start(OLD, dataDir);
    await seed(server, 400);
    const query = `{ user(id: "u7") { text } users(first: 1) { totalCount } }`;
    const before = await server.gql(query);
    await server.close({ keepData: true });
    // By default another model refuses to start, pointing at the way to migrate.
    await expect(startTestServer(NEW, dataDir)).rejects.toThrowError(/EMBEDDING_MIGRATION=auto/);

    // A slow migration (small pages), stopped once it has copied something.
    server = await start({ ...NEW, EMBEDDING_MIGRATION: 'auto', EMBEDDING_MIGRATION_BATCH_SIZE: '5' }, dataDir);
    const migration = server.app.embeddingMigration;
    for (let i = 0; i < 600 && migration.status().done === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(migration.status()).toMatchObject({ phase: 'building' });
    await server.close({ keepData: true });
    expect(migration.status().phase).toBe('failed');

    const halfBuilt = await storedUsers(dataDir);
    expect(halfBuilt.modelId).toBe(GLOVE_MODEL_ID);
    expect(halfBuilt.others).toHaveLength(1);

    // The old model still starts and serves everything.
    server = await start(OLD, dataDir);
    expect((await server.gql(query)).data).toEqual(before.data);
    await server.close({ keepData: true });

    server = await start({ ...NEW, EMBEDDING_MIGRATION: 'auto' }, dataDir);
    await server.app.embeddingMigration.settled();
    expect(server.app.embeddingMigration.status()).toMatchObject({ phase: 'done', error: null });
    expect(server.app.embeddingMigration.status().toSpace).not.toBe(halfBuilt.others[0]);
    expect((await server.gql(query)).data).toEqual(before.data);
    const after = await storedUsers(dataDir);
    expect(after.modelId).toBe(DEFAULT_MODEL_ID);
    expect(after.others).toEqual([]);
    await expectAllInNewSpace(after.users);
  });
});
