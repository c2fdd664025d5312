import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/clustering/ari.js';
import { classTfIdf } from '../../src/segmentation/keywords.js';
import { personaData } from '../support/personas.js';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

const data = personaData(30, 11);

async function waitForRun(server: TestServer, id: string): Promise<Record<string, unknown>> {
  const events = await collect<{ segmentationRunUpdated: Record<string, unknown> }>(
    server.ws(),
    `subscription($id: ID) { segmentationRunUpdated(runId: $id) { id status error phase progress } }`,
    { id },
  );
  return events.at(-1)!.segmentationRunUpdated;
}

async function recluster(server: TestServer, input: Record<string, unknown>): Promise<string> {
  const res = await server.gql<{ recluster: { id: string } }>(`mutation($input: ReclusterInput) { recluster(input: $input) { id } }`, { input });
  expect(res.errors).toBeUndefined();
  const id = res.data!.recluster.id;
  expect(await waitForRun(server, id)).toMatchObject({ status: 'SUCCEEDED' });
  return id;
}

/** Segment of every user (by top-level segment id) in `data.users` order. */
async function memberships(server: TestServer): Promise<string[]> {
  const res = await server.gql<{ segments: Array<{ id: string; members: { edges: Array<{ node: { id: string } }> } }> }>(
    `{ segments { id members(first: 100) { edges { node { id } } } } }`,
  );
  const byUser = new Map<string, string>();
  for (const s of res.data!.segments) for (const e of s.members.edges) byUser.set(e.node.id, s.id);
  return data.users.map((u) => byUser.get(u.id) ?? 'none');
}

const labelsOf = (ids: string[]) => {
  const index = new Map<string, number>();
  return ids.map((id) => index.get(id) ?? (index.set(id, index.size), index.size - 1));
};

describe('segmentation quality and runs (planted personas)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MAX_RESULT_LIMIT: '200' });
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: data.items });
    await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users: data.users });
    const recorded = await server.gql(`mutation($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }`, { rows: data.interactions });
    expect(recorded.errors).toBeUndefined();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('writes behaviour into profiles', async () => {
    const id = data.users[0]!.id;
    // The refresher rebuilds queued profiles shortly after writes; a recluster flushes it too.
    await recluster(server, { k: 6, seed: 1 });
    const res = await server.gql<{ user: { profileText: string } }>(`query($id: ID!) { user(id: $id) { profileText } }`, { id });
    expect(res.data!.user.profileText).toMatch(/(Bought|Liked|Viewed) \d+ item|Liked: /);
    expect(res.data!.user.profileText).toContain('occupation: engineer');
  });

  it('recovers planted personas at the planted k (ARI >= 0.9)', async () => {
    await recluster(server, { k: 6, seed: 5 });
    const ari = adjustedRandIndex(data.truth, labelsOf(await memberships(server)));
    expect(ari).toBeGreaterThanOrEqual(0.9);
  });

  it('finds the planted k automatically over 2..12, keeping every candidate', async () => {
    const id = await recluster(server, { kRange: { min: 2, max: 12 }, seed: 3 });
    const res = await server.gql<{ segmentationRun: { k: number; kCandidates: Array<{ k: number; silhouette: number }>; metrics: { silhouette: number; silhouetteSampleSize: number; daviesBouldin: number; calinskiHarabasz: number; inertia: number } } }>(
      `{ segmentationRun(id: "${id}") { k kCandidates { k silhouette } metrics { silhouette silhouetteSampleSize daviesBouldin calinskiHarabasz inertia } } }`,
    );
    const run = res.data!.segmentationRun;
    expect(run.kCandidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(run.k).toBe(6);
    const best = run.kCandidates.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
    expect(best.k).toBe(6);
    expect(run.metrics.silhouetteSampleSize).toBe(data.users.length);
    expect(run.metrics.silhouette).toBeGreaterThan(0);
    expect(run.metrics.daviesBouldin).toBeGreaterThan(0);
    expect(run.metrics.calinskiHarabasz).toBeGreaterThan(0);
  });

  it('describes segments: labels from distinguishing terms, traits with lift, top items, representatives, metrics', async () => {
    const res = await server.gql<{
      segments: Array<{
        label: string;
        keywords: Array<{ term: string }>;
        metrics: { size: number; share: number; cohesion: number; separation: number };
        traits: Array<{ attribute: string; values: Array<{ value: string; share: number; lift: number }> }>;
        topItems: Array<{ item: { id: string }; lift: number }>;
        representativeUsers: Array<{ user: { id: string }; score: number }>;
        members: { edges: Array<{ node: { id: string } }> };
      }>;
    }>(
      `{ segments { label keywords { term } metrics { size share cohesion separation }
          traits { attribute values { value share lift } } topItems(limit: 3) { item { id } lift }
          representativeUsers(limit: 3) { user { id } score } members(first: 100) { edges { node { id } } } } }`,
    );
    const labels = new Set<string>();
    for (const s of res.data!.segments) {
      labels.add(s.label);
      const persona = s.members.edges[0]!.node.id.split('-')[0]!;
      expect(s.metrics.cohesion).toBeGreaterThan(0);
      expect(s.metrics.separation).toBeGreaterThan(0);
      const occupation = s.traits.find((t) => t.attribute === 'occupation')!;
      expect(occupation.values[0]!.share).toBeGreaterThan(0.8);
      expect(occupation.values[0]!.lift).toBeGreaterThan(3);
      expect(s.topItems[0]!.item.id.startsWith(persona)).toBe(true);
      expect(s.topItems[0]!.lift).toBeGreaterThan(1);
      expect(s.representativeUsers).toHaveLength(3);
      const members = new Set(s.members.edges.map((e) => e.node.id));
      for (const r of s.representativeUsers) expect(members.has(r.user.id)).toBe(true);
      for (let i = 1; i < 3; i++) expect(s.representativeUsers[i - 1]!.score).toBeGreaterThanOrEqual(s.representativeUsers[i]!.score);
    }
    expect(labels.size).toBe(res.data!.segments.length);
  });

  it('takes keywords from profile texts built by the same recipe as User.profileText', async () => {
    // The run builds its describe sample's profile texts (user records do not hold them): here the sample
    // is everyone, so each segment's keywords are c-TF-IDF over its members' User.profileText.
    const res = await server.gql<{
      segments: Array<{ index: number; keywords: Array<{ term: string; weight: number }>; members: { edges: Array<{ node: { id: string; profileText: string } }> } }>;
    }>(`{ segments { index keywords { term weight } members(first: 200) { edges { node { id profileText } } } } }`);
    expect(res.errors).toBeUndefined();
    const segments = res.data!.segments;
    const texts = segments.flatMap((s) => s.members.edges.map((e) => e.node.profileText));
    const assignments = Int32Array.from(segments.flatMap((s) => s.members.edges.map(() => s.index)));
    expect(texts).toHaveLength(data.users.length);
    expect(texts.every((t) => /Bought |Liked: |Viewed /.test(t))).toBe(true);
    const expected = classTfIdf(texts, assignments, segments.length);
    for (const s of segments) {
      expect(s.keywords.map((k) => k.term)).toEqual(expected[s.index]!.map((k) => k.term));
      s.keywords.forEach((k, i) => expect(k.weight).toBeCloseTo(expected[s.index]![i]!.weight, 12));
    }
  });

  it('searches segments by meaning and places an unknown text (cold start)', async () => {
    const res = await server.gql<{ searchSegments: Array<{ score: number; segment: { id: string; members: { edges: Array<{ node: { id: string } }> } } }>; segmentForText: { segment: { id: string } } }>(
      `{ searchSegments(query: "people who love hiking in the mountains", limit: 3) { score segment { id members(first: 5) { edges { node { id } } } } }
         segmentForText(text: "I play strategy games on my console") { score segment { id members(first: 1) { edges { node { id } } } } } }`,
    );
    const [best] = res.data!.searchSegments;
    expect(best!.segment.members.edges.every((e) => e.node.id.startsWith('outdoors-'))).toBe(true);
    const scores = res.data!.searchSegments.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const cold = res.data!.segmentForText as unknown as { segment: { members: { edges: Array<{ node: { id: string } }> } } };
    expect(cold.segment.members.edges[0]!.node.id.startsWith('gaming-')).toBe(true);
  });

  it('builds a two-level hierarchy with subsegments', async () => {
    await recluster(server, { k: 3, subsegments: 2, seed: 9 });
    const res = await server.gql<{ segments: Array<{ id: string; size: number; children: Array<{ id: string; size: number; level: number; parent: { id: string } }> }>; user: { segment: { id: string }; subsegment: { parent: { id: string } } } }>(
      `{ segments { id size children { id size level parent { id } } } user(id: "${data.users[0]!.id}") { segment { id } subsegment { parent { id } } } }`,
    );
    for (const s of res.data!.segments) {
      expect(s.children).toHaveLength(2);
      expect(s.children.reduce((a, c) => a + c.size, 0)).toBe(s.size);
      for (const c of s.children) expect(c).toMatchObject({ level: 1, parent: { id: s.id } });
    }
    expect(res.data!.user.subsegment.parent.id).toBe(res.data!.user.segment.id);
  });

  it('clusters only users matching a filter', async () => {
    const id = await recluster(server, { k: 2, seed: 2, filter: [{ attribute: 'occupation', in: ['chef', 'guide'] }] });
    const res = await server.gql<{ segmentationRun: { userCount: number; filter: Array<{ attribute: string; in: string[] }> }; segments: Array<{ members: { edges: Array<{ node: { id: string } }> } }>; outsider: { segment: null } }>(
      `{ segmentationRun(id: "${id}") { userCount filter { attribute in } } segments { members(first: 100) { edges { node { id } } } } outsider: user(id: "space-0") { segment { id } } }`,
    );
    expect(res.data!.segmentationRun.userCount).toBe(60);
    const ids = res.data!.segments.flatMap((s) => s.members.edges.map((e) => e.node.id));
    expect(ids.every((u) => u.startsWith('cooking-') || u.startsWith('outdoors-'))).toBe(true);
    expect(res.data!.outsider.segment).toBeNull();
  });

  it('reports stability between consecutive runs and keeps history newest first', async () => {
    await recluster(server, { k: 6, seed: 21 });
    const second = await recluster(server, { k: 6, seed: 21 });
    const res = await server.gql<{ segmentationRuns: Array<{ id: string; status: string; stability: { adjustedRandIndex: number; movedUsers: number; sharedUsers: number } | null; metrics: { silhouette: number } }> }>(
      `{ segmentationRuns(first: 3) { id status stability { adjustedRandIndex movedUsers sharedUsers } metrics { silhouette } } }`,
    );
    const [latest] = res.data!.segmentationRuns;
    expect(latest!.id).toBe(second);
    expect(latest!.stability).toEqual({ adjustedRandIndex: 1, movedUsers: 0, sharedUsers: data.users.length });
    expect(latest!.metrics.silhouette).toBeGreaterThan(0);
  });

  it('counts live assignments since the active run', async () => {
    await server.gql(`mutation { upsertUsers(users: [{ id: "late-1", text: "jazz piano concerts and guitar albums" }]) { count } }`);
    const res = await server.gql<{ activeSegmentationRun: { liveAssignedSince: number }; user: { liveAssigned: boolean; segment: { id: string } } }>(
      `{ activeSegmentationRun { liveAssignedSince } user(id: "late-1") { liveAssigned segment { id } } }`,
    );
    expect(res.data!.activeSegmentationRun.liveAssignedSince).toBe(1);
    expect(res.data!.user.liveAssigned).toBe(true);
    expect(res.data!.user.segment).not.toBeNull();
  });

  it('refuses a second run while one runs, cancels it, and leaves the previous segments answering', async () => {
    // Enough users that the slow reference algorithm over 19 values of k is surely still running.
    for (let batch = 0; batch < 2; batch++) {
      const users = Array.from({ length: 1000 }, (_, i) => ({ id: `filler-${batch}-${i}`, text: `filler user ${i} likes ${['jazz', 'bread', 'stocks'][i % 3]}` }));
      await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users });
    }
    const before = await server.gql<{ activeSegmentationRun: { id: string }; segments: Array<{ id: string }> }>(`{ activeSegmentationRun { id } segments { id } }`);
    const started = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { kRange: { min: 2, max: 20 }, seed: 4, algorithm: KMEANS_REFERENCE }) { id } }`);
    const id = started.data!.recluster.id;
    const second = await server.gql(`mutation { recluster(input: { k: 3 }) { id } }`);
    expect(second.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', runId: id });
    const cancelled = await server.gql<{ cancelRun: { status: string } }>(`mutation { cancelRun(id: "${id}") { status } }`);
    expect(cancelled.data!.cancelRun.status).toBe('CANCELLED');
    const again = await server.gql(`mutation { cancelRun(id: "${id}") { status } }`);
    expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
    const unknown = await server.gql(`mutation { cancelRun(id: "no-such-run") { status } }`);
    expect(unknown.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    await new Promise((r) => setTimeout(r, 300));
    const after = await server.gql<{ activeSegmentationRun: { id: string }; segments: Array<{ id: string }>; segmentationRun: { status: string } }>(
      `{ activeSegmentationRun { id } segments { id } segmentationRun(id: "${id}") { status } }`,
    );
    expect(after.data!.activeSegmentationRun.id).toBe(before.data!.activeSegmentationRun.id);
    expect(after.data!.segments).toEqual(before.data!.segments);
    expect(after.data!.segmentationRun.status).toBe('CANCELLED');
    // A new run can start right away.
    await recluster(server, { k: 6, seed: 8 });
  });
});
