import { expect } from 'vitest';
import { adjustedRandIndex } from '../../src/clustering/ari.js';
import type { PlantedUser } from '../../src/evaluation/multilingual-personas.js';
import { collect, type TestServer } from './test-server.js';

/** Helpers of the corpus-fit integration tests: the fit's status through the API, and grouping measures. */

export interface FitView {
  modelId: string;
  fitId: string | null;
  fittedDocuments: number | null;
  phase: string;
  reembedded: number;
  toReembed: number;
  progress: number;
  reason: string | null;
  lastError: string | null;
}
export const FIT_FIELDS = 'modelId fitId fittedDocuments phase reembedded toReembed progress reason lastError';

export async function fitStatus(server: TestServer): Promise<FitView> {
  const res = await server.gql<{ corpusFit: FitView }>(`{ corpusFit { ${FIT_FIELDS} } }`);
  expect(res.errors).toBeUndefined();
  return res.data!.corpusFit;
}

/** Polls corpusFit until `done` holds (no time limit of its own: the test's timeout bounds it). */
export async function waitForFit(server: TestServer, done: (fit: FitView) => boolean): Promise<FitView> {
  for (;;) {
    const fit = await fitStatus(server);
    if (done(fit)) return fit;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** refitCorpus, then waits until the new fit is applied to every record. */
export async function refit(server: TestServer): Promise<FitView> {
  const before = await fitStatus(server);
  const res = await server.gql<{ refitCorpus: { corpusFit: FitView; userErrors: unknown[] } }>(`mutation { refitCorpus { corpusFit { ${FIT_FIELDS} } userErrors { code } } }`);
  expect(res.errors).toBeUndefined();
  expect(res.data!.refitCorpus.userErrors).toEqual([]);
  expect(res.data!.refitCorpus.corpusFit.phase).not.toBe('IDLE');
  return waitForFit(server, (fit) => fit.phase === 'IDLE' && fit.fitId !== before.fitId);
}

export async function upsert(server: TestServer, users: ReadonlyArray<{ id: string; text: string }>): Promise<void> {
  const res = await server.gql<{ upsertUsers: { count: number } }>(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, {
    users: users.map(({ id, text }) => ({ id, text })),
  });
  expect(res.errors).toBeUndefined();
  expect(res.data!.upsertUsers.count).toBe(users.length);
}

export async function recluster(server: TestServer, k: number): Promise<void> {
  const res = await server.gql<{ recluster: { id: string } }>(`mutation($input: ReclusterInput) { recluster(input: $input) { id } }`, { input: { k, seed: 1 } });
  expect(res.errors).toBeUndefined();
  const events = await collect<{ segmentationRunUpdated: { status: string } }>(server.ws(), `subscription($id: ID) { segmentationRunUpdated(runId: $id) { status } }`, {
    id: res.data!.recluster.id,
  });
  expect(events.at(-1)!.segmentationRunUpdated.status).toBe('SUCCEEDED');
}

export interface SegmentView {
  id: string;
  label: string;
  members: { edges: Array<{ node: { id: string } }> };
}

export async function segments(server: TestServer): Promise<SegmentView[]> {
  const res = await server.gql<{ segments: SegmentView[] }>(`{ segments { id label members(first: 300) { edges { node { id } } } } }`);
  expect(res.errors).toBeUndefined();
  return res.data!.segments;
}

export function ariOf(users: readonly PlantedUser[], list: readonly SegmentView[]): number {
  const byUser = new Map<string, number>();
  list.forEach((s, j) => s.members.edges.forEach((e) => byUser.set(e.node.id, j)));
  return adjustedRandIndex(users.map((u) => byUser.get(u.id) ?? -1), users.map((u) => u.theme));
}

/** Share of users whose most similar other user (similarUsers through the API, 10 per request) has their theme. */
export async function neighbourAccuracy(server: TestServer, users: readonly PlantedUser[]): Promise<number> {
  const theme = new Map(users.map((u) => [u.id, u.theme]));
  let same = 0;
  for (let i = 0; i < users.length; i += 10) {
    const batch = users.slice(i, i + 10);
    const query = `query(${batch.map((_, j) => `$u${j}: ID`).join(', ')}) { ${batch.map((_, j) => `q${j}: similarUsers(userId: $u${j}, limit: 1) { user { id } }`).join(' ')} }`;
    const res = await server.gql<Record<string, Array<{ user: { id: string } }>>>(query, Object.fromEntries(batch.map((u, j) => [`u${j}`, u.id])));
    expect(res.errors).toBeUndefined();
    batch.forEach((u, j) => {
      if (theme.get(res.data![`q${j}`]![0]!.user.id) === u.theme) same++;
    });
  }
  return same / users.length;
}

export function majorityTheme(users: readonly PlantedUser[], segment: SegmentView): number {
  const theme = new Map(users.map((u) => [u.id, u.theme]));
  const counts = new Map<number, number>();
  for (const e of segment.members.edges) counts.set(theme.get(e.node.id)!, (counts.get(theme.get(e.node.id)!) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}
