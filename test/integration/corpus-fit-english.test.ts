import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/clustering/ari.js';
import { refit, type FitView } from '../support/corpus-fit.js';
import { personaData } from '../support/personas.js';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The English planted personas of segmentation.test.ts (text, attributes, items and behaviour), before and
 * after a corpus fit: the fit leaves what English users write where the word vectors put it, so their
 * segments stay where they were.
 */

const data = personaData(30, 11);

async function plantedAri(server: TestServer): Promise<number> {
  const run = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 6, seed: 5 }) { id } }`);
  expect(run.errors).toBeUndefined();
  const events = await collect<{ segmentationRunUpdated: { status: string } }>(server.ws(), `subscription($id: ID) { segmentationRunUpdated(runId: $id) { status } }`, {
    id: run.data!.recluster.id,
  });
  expect(events.at(-1)!.segmentationRunUpdated.status).toBe('SUCCEEDED');
  const res = await server.gql<{ segments: Array<{ id: string; members: { edges: Array<{ node: { id: string } }> } }> }>(
    `{ segments { id members(first: 200) { edges { node { id } } } } }`,
  );
  const segmentOf = new Map<string, number>();
  res.data!.segments.forEach((s, j) => s.members.edges.forEach((e) => segmentOf.set(e.node.id, j)));
  return adjustedRandIndex(data.truth, data.users.map((u) => segmentOf.get(u.id) ?? -1));
}

describe('English planted personas and the corpus fit', () => {
  let server: TestServer;
  let before: number;
  let fit: FitView;
  beforeAll(async () => {
    server = await startTestServer({ MAX_RESULT_LIMIT: '200' });
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: data.items });
    await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users: data.users });
    const recorded = await server.gql(`mutation($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }`, { rows: data.interactions });
    expect(recorded.errors).toBeUndefined();
    before = await plantedAri(server);
    fit = await refit(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('re-embeds items and users (profiles with behaviour) and keeps the planted personas (ARI >= 0.9, no lower than before)', async () => {
    expect(fit).toMatchObject({ phase: 'IDLE', lastError: null });
    // Users and items, then the segments' centroids (an embedding migration).
    expect(fit.toReembed).toBeGreaterThanOrEqual(data.users.length + data.items.length);
    const after = await plantedAri(server);
    expect(before).toBeGreaterThanOrEqual(0.9);
    expect(after).toBeGreaterThanOrEqual(0.9);
    expect(after).toBeGreaterThanOrEqual(before - 0.02);
  });
});

describe('a model that is not fitted', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The English-only model of earlier versions has no subword part: nothing for a fit to change.
    server = await startTestServer({ EMBEDDING_MODEL: 'segmentql/glove-6b-100d-sif-v1' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('has no corpusFit, and refitCorpus answers a CONFLICT user error', async () => {
    const status = await server.gql<{ corpusFit: null }>(`{ corpusFit { fitId } }`);
    expect(status.errors).toBeUndefined();
    expect(status.data!.corpusFit).toBeNull();
    const res = await server.gql<{ refitCorpus: { corpusFit: null; userErrors: Array<{ field: string[] | null; code: string; message: string }> } }>(
      `mutation { refitCorpus { corpusFit { fitId } userErrors { field code message } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.refitCorpus).toEqual({
      corpusFit: null,
      userErrors: [{ field: null, code: 'CONFLICT', message: expect.stringContaining('EMBEDDING_MODEL') }],
    });
  });
});
