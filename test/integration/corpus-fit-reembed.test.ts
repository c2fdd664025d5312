import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everydayChinesePersonas, EVERYDAY_THEMES } from '../../src/evaluation/everyday-chinese-personas.js';
import { FIT_FIELDS, fitStatus, upsert, waitForFit, type FitView } from '../support/corpus-fit.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Applying a corpus fit re-embeds every user under the per-record locks every writer holds: upserts and
 * deletions made while it runs are neither overwritten with a stale text or vector nor brought back,
 * every vector afterwards is the new fit's, and a restart serves the same fit (persisted in DATA_DIR and
 * named by the store's model metadata).
 */

const users = everydayChinesePersonas(EVERYDAY_THEMES, 40, 31);
const SIMILAR = (alias: string) => `${alias}: similarUsers(text: $${alias}, limit: 5) { user { id } score }`;

/** For each text, the score with which a text query finds the user holding it (null: not among the top 5); 10 per request. */
async function selfScores(server: TestServer, entries: ReadonlyArray<[string, string]>): Promise<Map<string, number | null>> {
  const scores = new Map<string, number | null>();
  for (let i = 0; i < entries.length; i += 10) {
    const batch = entries.slice(i, i + 10);
    const aliases = batch.map((_, j) => `q${j}`);
    const query = `query(${aliases.map((a) => `$${a}: String!`).join(', ')}) { ${aliases.map(SIMILAR).join(' ')} }`;
    const res = await server.gql<Record<string, Array<{ user: { id: string }; score: number }>>>(query, Object.fromEntries(batch.map(([, text], j) => [`q${j}`, text])));
    expect(res.errors).toBeUndefined();
    batch.forEach(([id], j) => scores.set(id, res.data![`q${j}`]!.find((s) => s.user.id === id)?.score ?? null));
  }
  return scores;
}

describe('re-embedding while users are written, then a restart', () => {
  let server: TestServer;
  let fit: FitView;
  const finalText = new Map(users.map((u) => [u.id, u.text]));
  beforeAll(async () => {
    // Small locked batches: the pass takes many steps, and writes interleave with them.
    server = await startTestServer({ MAX_RESULT_LIMIT: '300', EMBEDDING_MIGRATION_BATCH_SIZE: '1' });
    await upsert(server, users);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('never writes back a stale text or vector over a concurrent upsert, keeps deleted users deleted, and leaves every vector from the new fit', async () => {
    const res = await server.gql<{ refitCorpus: { corpusFit: FitView } }>(`mutation { refitCorpus { corpusFit { ${FIT_FIELDS} } } }`);
    expect(res.errors).toBeUndefined();
    await waitForFit(server, (f) => f.phase === 'REEMBEDDING');
    // During the pass: new texts for 48 users (spread over the id order), and 8 deletions.
    const rewritten = everydayChinesePersonas(EVERYDAY_THEMES, 8, 32).map((u, i) => ({ id: users[(i * 37) % users.length]!.id, text: `${u.text}${i}` }));
    const deleted = users.filter((_, i) => i % 29 === 1).map((u) => u.id).filter((id) => !rewritten.some((r) => r.id === id));
    const writes = [
      ...rewritten.map((u) => upsert(server, [u])),
      server.gql(`mutation($ids: [ID!]!) { deleteUsers(ids: $ids) { deletedIds } }`, { ids: deleted }),
    ];
    const during = await fitStatus(server);
    await Promise.all(writes);
    fit = await waitForFit(server, (f) => f.phase === 'IDLE');
    expect(fit.lastError).toBeNull();
    expect(fit.fitId).not.toBeNull();
    // The writes went in while the pass was running (else this test would prove nothing).
    expect(during.phase).toBe('REEMBEDDING');
    // (toReembed is 0 until the migration has counted what it copies.)
    expect(during.reembedded).toBeLessThan(Math.max(1, during.toReembed));

    for (const u of rewritten) finalText.set(u.id, u.text);
    for (const id of deleted) finalText.delete(id);
    const stored = await server.gql<{ users: { totalCount: number; edges: Array<{ node: { id: string; text: string } }> } }>(
      `{ users(first: 300) { totalCount edges { node { id text } } } }`,
    );
    expect(stored.data!.users.totalCount).toBe(finalText.size);
    expect(new Map(stored.data!.users.edges.map((e) => [e.node.id, e.node.text]))).toEqual(finalText);
    // Every stored vector is its current text's vector under the new fit: the text itself finds it with score 1.
    const scores = await selfScores(server, [...finalText]);
    const off = [...scores].filter(([, score]) => score === null || score < 0.9999);
    expect(off).toEqual([]);
  });

  it('serves the same fit after a restart: same model id, same vectors for a text', async () => {
    const sample = [...finalText].slice(0, 20);
    const before = await selfScores(server, sample);
    const dataDir = server.dataDir;
    await server.close({ keepData: true });
    server = await startTestServer({ MAX_RESULT_LIMIT: '300' }, dataDir);
    expect(await fitStatus(server)).toMatchObject({ modelId: fit.modelId, fitId: fit.fitId, phase: 'IDLE' });
    const after = await selfScores(server, sample);
    expect([...after.values()].every((s) => s !== null && s > 0.9999)).toBe(true);
    expect(after.size).toBe(before.size);
  });
});
