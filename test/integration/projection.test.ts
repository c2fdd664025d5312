import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personaData } from '../support/personas.js';
import { collect, startTestServer, tempDataDir, type TestServer } from '../support/test-server.js';

const data = personaData(10, 7);
const QUERY = `query($id: ID!, $sample: Int!) { segmentationRun(id: $id) {
  segments { key index }
  projection(sample: $sample) { method centroids { segmentIndex segmentKey x y } members { userId segmentIndex segmentKey x y } }
} }`;
type Projection = { method: string; centroids: Array<{ segmentIndex: number; segmentKey: string; x: number; y: number }>; members: Array<{ userId: string; segmentIndex: number; segmentKey: string; x: number; y: number }> };
type Answer = { segmentationRun: { segments: Array<{ key: string; index: number }>; projection: Projection | null } };

describe('SegmentationRun.projection', () => {
  const dataDir = tempDataDir();
  let server: TestServer;
  let runId: string;
  beforeAll(async () => {
    server = await startTestServer({}, dataDir);
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: data.items });
    await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users: data.users });
    const started = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 3, seed: 5 }) { id } }`);
    runId = started.data!.recluster.id;
    await collect(server.ws(), `subscription($id: ID) { segmentationRunUpdated(runId: $id) { id status } }`, { id: runId });
  });
  afterAll(async () => server?.close());

  it('gives one centroid per segment and a seeded sample of members, coloured by segment key', async () => {
    const res = await server.gql<Answer>(QUERY, { id: runId, sample: 7 });
    expect(res.errors).toBeUndefined();
    const { segments, projection } = res.data!.segmentationRun;
    expect(projection!.method).toBe('PCA');
    expect(projection!.centroids.map((c) => c.segmentKey).sort()).toEqual(segments.map((s) => s.key).sort());
    expect(projection!.members).toHaveLength(7);
    const userIds = new Set(data.users.map((u) => u.id));
    for (const m of projection!.members) {
      expect(userIds.has(m.userId)).toBe(true);
      expect(m.segmentKey).toBe(segments.find((s) => s.index === m.segmentIndex)!.key);
      expect(Number.isFinite(m.x) && Number.isFinite(m.y)).toBe(true);
    }
    // Points are spread, not collapsed onto one spot.
    expect(new Set(projection!.members.map((m) => m.x.toFixed(4))).size).toBeGreaterThan(1);
    // A larger sample starts with the smaller one (the stored sample is random, so any prefix is one too).
    const more = await server.gql<Answer>(QUERY, { id: runId, sample: 20 });
    expect(more.data!.segmentationRun.projection!.members.slice(0, 7)).toEqual(projection!.members);
  });

  it('refuses a sample outside 0 to 2000 with BAD_USER_INPUT', async () => {
    const res = await server.gql<Answer>(QUERY, { id: runId, sample: 2001 });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('survives a restart (stored in SQLite)', async () => {
    const before = (await server.gql<Answer>(QUERY, { id: runId, sample: 50 })).data!.segmentationRun.projection;
    await server.close({ keepData: true });
    server = await startTestServer({}, dataDir);
    const after = (await server.gql<Answer>(QUERY, { id: runId, sample: 50 })).data!.segmentationRun.projection;
    expect(after).toEqual(before);
  });
});
