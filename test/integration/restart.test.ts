import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/app/create-app.js';
import { createVectorStore } from '../../src/store/create-store.js';
import { testStoreConfig } from '../support/test-backend.js';
import { startTestServer, tempDataDir, type TestServer } from '../support/test-server.js';

async function waitForRun(server: TestServer, id: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const res = await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${id}") { status } }`);
    const status = res.data!.segmentationRun.status;
    if (status !== 'QUEUED' && status !== 'RUNNING') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('run did not finish');
}

describe('persistence', () => {
  const dataDir = tempDataDir();
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('keeps users, items, interactions, runs and segments across a restart', async () => {
    server = await startTestServer({}, dataDir);
    await server.gql(`mutation { upsertItems(items: [{ id: "i1", title: "Space telescope" }]) { count } }`);
    await server.gql(`mutation { upsertUsers(users: [
      { id: "a", text: "astronomy and telescopes" }, { id: "b", text: "stars and galaxies" },
      { id: "c", text: "baking bread and cakes" }, { id: "d", text: "cooking pasta and soups" }]) { count } }`);
    await server.gql(`mutation { recordInteractions(interactions: [{ userId: "a", itemId: "i1", kind: PURCHASE, value: 1 }]) }`);
    const run = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 2, seed: 3 }) { id } }`);
    expect(await waitForRun(server, run.data!.recluster.id)).toBe('SUCCEEDED');
    const before = await server.gql(`{ segments { id label size } user(id: "a") { text segment { id } interactions { kind } } item(id: "i1") { title } }`);
    await server.close({ keepData: true });

    server = await startTestServer({}, dataDir);
    const after = await server.gql(`{ segments { id label size } user(id: "a") { text segment { id } interactions { kind } } item(id: "i1") { title } }`);
    expect(after.data).toEqual(before.data);
    const runs = await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${run.data!.recluster.id}") { status } }`);
    expect(runs.data!.segmentationRun.status).toBe('SUCCEEDED');
  });

  it('marks a run interrupted by a restart as FAILED and keeps the previous segments', async () => {
    // Enough users that the run is still going when the service stops.
    for (let batch = 0; batch < 3; batch++) {
      const users = Array.from({ length: 1000 }, (_, i) => ({ id: `bulk-${batch}-${i}`, text: `user number ${i} likes ${['stars', 'bread', 'hiking', 'jazz'][i % 4]}` }));
      const res = await server!.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users });
      expect(res.errors).toBeUndefined();
    }
    const before = await server!.gql(`{ activeSegmentationRun { id } segments { id size } }`);
    const started = await server!.gql<{ recluster: { id: string } }>(
      `mutation { recluster(input: { kRange: { min: 2, max: 12 }, seed: 4, algorithm: KMEANS_REFERENCE }) { id status } }`,
    );
    const id = started.data!.recluster.id;
    await server!.close({ keepData: true });
    server = await startTestServer({}, dataDir);
    const after = await server.gql<{ segmentationRun: { status: string; error: string } }>(
      `{ segmentationRun(id: "${id}") { status error } activeSegmentationRun { id } segments { id size } }`,
    );
    expect(after.data!.segmentationRun).toMatchObject({ status: 'FAILED' });
    expect(after.data!.segmentationRun.error).toMatch(/interrupted/);
    const { segmentationRun: _run, ...rest } = after.data! as Record<string, unknown>;
    expect(rest).toEqual(before.data);
  });

  it('refuses to start on a store made with another model, saying what to do', async () => {
    await server?.close({ keepData: true });
    server = undefined;
    const store = await createVectorStore(await testStoreConfig(dataDir));
    await store.writeMeta({ modelId: 'someone/other-model', dimension: 384, createdAt: new Date().toISOString() });
    await store.close();
    await expect(startTestServer({}, dataDir)).rejects.toThrowError(StartupError);
    await expect(startTestServer({}, dataDir)).rejects.toThrowError(/someone\/other-model.*EMBEDDING_MODEL/s);
    expect(path.isAbsolute(dataDir)).toBe(true);
  });
});
