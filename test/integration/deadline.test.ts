import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** REQUEST_TIMEOUT_MS stops a fanned-out query: fields after the deadline resolve no more and store calls stop. */
describe('request deadline', () => {
  let server: TestServer;

  beforeAll(async () => {
    // A cost limit high enough to let the fan-out through, so that the deadline is what stops it.
    server = await startTestServer({ SEED_DEMO: 'true', REQUEST_TIMEOUT_MS: '150', MAX_QUERY_COST: '10000000', MAX_CONCURRENT_STORE_READS: '4' });
    for (let i = 0; i < 200; i++) {
      const run = await server.gql<{ activeSegmentationRun: { id: string } | null }>('{ activeSegmentationRun { id } }');
      if (run.data?.activeSegmentationRun) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers REQUEST_TIMEOUT for a query still fanning out at the deadline, and keeps serving', async () => {
    // 60 users × 20 × 20 nearest-neighbour searches: far more than fits in 150 ms at 4 store calls at a time.
    const res = await server.gql(
      `{ segments { members(first: 100) { edges { node { similarUsers(limit: 20) { user { similarUsers(limit: 20) { user { id } } } } } } } } }`,
    );
    const codes = new Set((res.errors ?? []).map((e) => e.extensions?.code));
    expect(codes).toEqual(new Set(['REQUEST_TIMEOUT']));
    expect(res.errors![0]!.message).toMatch(/REQUEST_TIMEOUT_MS=150/);

    const ok = await server.gql<{ user: { id: string } }>(`{ user(id: "u-scifi-01") { id } }`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.user.id).toBe('u-scifi-01');
  });

  it('does not bind background work to the request that started it', async () => {
    // The run outlives its mutation's deadline; it must finish rather than be cancelled with it.
    const started = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 3, seed: 7 }) { id } }`);
    expect(started.errors).toBeUndefined();
    let status = 'QUEUED';
    for (let i = 0; i < 300 && (status === 'QUEUED' || status === 'RUNNING'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${started.data!.recluster.id}") { status } }`)).data!.segmentationRun.status;
    }
    expect(status).toBe('SUCCEEDED');
  });
});
