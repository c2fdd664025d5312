import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killChildren, runUntilExit, startChildService, type ChildService } from '../support/child-service.js';
import { tempDataDir } from '../support/test-server.js';

/**
 * kill -9 of the real service (a child process) at the worst moments, then a restart on the
 * same DATA_DIR. The lock must not outlive the process, acknowledged writes must survive,
 * and an interrupted run must leave the previous segments answering.
 */
/** Each case takes 3-12 s on an idle machine, up to ~40 s on a busy one (service starts dominate); the bound leaves room. */
const BOUND_MS = 90_000;
const UPSERT = `mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`;
const TOPICS = ['astronomy and telescopes', 'baking bread', 'hiking in the alps', 'jazz piano', 'vintage cars', 'chess openings'];

const userBatch = (batch: number, size: number) =>
  Array.from({ length: size }, (_, i) => ({ id: `b${batch}-u${i}`, text: `user ${i} of batch ${batch} likes ${TOPICS[(batch + i) % TOPICS.length]}` }));

/** Which of `ids` exist after the restart, with their text, in chunks of aliased lookups. */
async function storedTexts(service: ChildService, ids: string[]): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  for (let start = 0; start < ids.length; start += 25) {
    const chunk = ids.slice(start, start + 25);
    const query = `{ ${chunk.map((id, i) => `u${i}: user(id: ${JSON.stringify(id)}) { id text }`).join(' ')} }`;
    const res = await service.gql<Record<string, { id: string; text: string | null } | null>>(query);
    // On failure, what the service logged at error level says why.
    expect(res.errors, JSON.stringify(service.logs.filter((line) => line.level >= 50).slice(-3))).toBeUndefined();
    for (const user of Object.values(res.data!)) if (user) found.set(user.id, user.text);
  }
  return found;
}

async function waitForStatus(service: ChildService, id: string, done: (run: { status: string; phase: string | null }) => boolean) {
  for (let i = 0; i < 600; i++) {
    const res = await service.gql<{ segmentationRun: { status: string; phase: string | null } }>(`{ segmentationRun(id: "${id}") { status phase } }`);
    const run = res.data!.segmentationRun;
    if (done(run)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id} never reached the expected state`);
}

describe('kill -9', () => {
  const dirs: string[] = [];
  const newDataDir = () => {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await killChildren();
  });
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('during ingest: every acknowledged user is there after a restart, and a batch is all or nothing', { timeout: BOUND_MS }, async () => {
    const dataDir = newDataDir();
    const first = await startChildService(dataDir);
    const batchSize = 100;
    const acknowledged: number[] = [];
    const sent: number[] = [];
    let next = 0;
    let stop = false;
    // Two senders, so a request is always in flight when the kill comes.
    const sender = async () => {
      while (!stop) {
        const batch = next++;
        sent.push(batch);
        try {
          const res = await first.gql<{ upsertUsers: { count: number } }>(UPSERT, { users: userBatch(batch, batchSize) });
          if (res.status === 200 && !res.errors && res.data?.upsertUsers.count === batchSize) acknowledged.push(batch);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const senders = [sender(), sender()];
    while (acknowledged.length < 8) await new Promise((r) => setTimeout(r, 5));
    await first.kill9();
    stop = true;
    await Promise.all(senders);

    const second = await startChildService(dataDir);
    const acknowledgedIds = acknowledged.flatMap((b) => userBatch(b, batchSize).map((u) => u.id));
    const found = await storedTexts(second, acknowledgedIds);
    const lost = acknowledgedIds.filter((id) => !found.has(id));
    expect(lost).toEqual([]);
    for (const b of acknowledged) for (const u of userBatch(b, batchSize)) expect(found.get(u.id)).toBe(u.text);

    // Batches in flight at the kill: each is stored completely or not at all.
    const unacknowledged = sent.filter((b) => !acknowledged.includes(b));
    let landed = 0;
    for (const b of unacknowledged) {
      const ids = userBatch(b, batchSize).map((u) => u.id);
      const present = (await storedTexts(second, ids)).size;
      expect([0, batchSize]).toContain(present);
      if (present === batchSize) landed++;
    }
    const count = await second.gql<{ segments: unknown[] }>(`{ segments { id } }`);
    expect(count.errors).toBeUndefined();
    console.log(
      `kill -9 during ingest: ${acknowledgedIds.length} users acknowledged before the kill, ${acknowledgedIds.length - lost.length} found after the restart; ` +
        `${unacknowledged.length} batches in flight, ${landed} of them stored whole, none partly`,
    );
    await second.stop();
  });

  it('during a run: the previous segments answer, the run is FAILED, and the next run succeeds', { timeout: BOUND_MS }, async () => {
    const dataDir = newDataDir();
    const first = await startChildService(dataDir);
    for (let batch = 0; batch < 2; batch++) {
      const res = await first.gql(UPSERT, { users: userBatch(batch, 1000) });
      expect(res.errors).toBeUndefined();
    }
    const initial = await first.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 4, seed: 1 }) { id } }`);
    const initialId = initial.data!.recluster.id;
    expect((await waitForStatus(first, initialId, (r) => r.status !== 'QUEUED' && r.status !== 'RUNNING')).status).toBe('SUCCEEDED');
    const segmentsQuery = `{ activeSegmentationRun { id } segments { id label size } user(id: "b0-u0") { segment { id } } }`;
    const before = await first.gql(segmentsQuery);
    expect(before.errors).toBeUndefined();

    // The slow reference k-means over a wide range of k: still clustering when the kill comes.
    const slow = await first.gql<{ recluster: { id: string } }>(
      `mutation { recluster(input: { kRange: { min: 2, max: 31 }, seed: 2, algorithm: KMEANS_REFERENCE }) { id } }`,
    );
    const slowId = slow.data!.recluster.id;
    const atKill = await waitForStatus(first, slowId, (r) => r.status === 'RUNNING' && r.phase === 'CLUSTERING');
    expect(atKill.status).toBe('RUNNING');
    await first.kill9();

    const second = await startChildService(dataDir);
    const after = await second.gql(segmentsQuery);
    expect(after.data).toEqual(before.data);
    const interrupted = await second.gql<{ segmentationRun: { status: string; error: string } }>(`{ segmentationRun(id: "${slowId}") { status error } }`);
    expect(interrupted.data!.segmentationRun.status).toBe('FAILED');
    expect(interrupted.data!.segmentationRun.error).toMatch(/interrupted/);

    const nextRun = await second.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 3, seed: 3 }) { id } }`);
    expect(nextRun.errors).toBeUndefined();
    const nextId = nextRun.data!.recluster.id;
    expect((await waitForStatus(second, nextId, (r) => r.status !== 'QUEUED' && r.status !== 'RUNNING')).status).toBe('SUCCEEDED');
    const now = await second.gql<{ activeSegmentationRun: { id: string }; segments: unknown[] }>(`{ activeSegmentationRun { id } segments { id } }`);
    expect(now.data!.activeSegmentationRun.id).toBe(nextId);
    expect(now.data!.segments).toHaveLength(3);
    await second.stop();
  });

  it('during deleteUsers: after the restart every user of a deletion is either fully gone or fully there', { timeout: BOUND_MS }, async () => {
    const dataDir = newDataDir();
    const first = await startChildService(dataDir);
    const batches = 6;
    const batchSize = 150;
    for (let b = 0; b < batches; b++) expect((await first.gql(UPSERT, { users: userBatch(b, batchSize) })).errors).toBeUndefined();
    const item = await first.gql(`mutation { upsertItems(items: [{ id: "i1", title: "telescope" }]) { count } }`);
    expect(item.errors).toBeUndefined();
    const RECORD = `mutation($i: [InteractionInput!]!) { recordInteractions(interactions: $i) }`;
    for (let b = 0; b < batches; b++) {
      const events = userBatch(b, batchSize).map((u) => ({ userId: u.id, itemId: 'i1', kind: 'LIKE' }));
      expect((await first.gql(RECORD, { i: events })).errors).toBeUndefined();
    }
    // One deletion after another; the kill lands while one of them is in flight.
    const DELETE = `mutation($ids: [ID!]!) { deleteUsers(ids: $ids) { deletedIds } }`;
    const acknowledged: number[] = [];
    const sent: number[] = [];
    const deleter = (async () => {
      for (let b = 0; b < batches; b++) {
        sent.push(b);
        try {
          const res = await first.gql<{ deleteUsers: { deletedIds: string[] } }>(DELETE, { ids: userBatch(b, batchSize).map((u) => u.id) });
          if (res.status === 200 && res.data?.deleteUsers.deletedIds.length === batchSize) acknowledged.push(b);
        } catch {
          return; // the connection died with the process
        }
      }
    })();
    while (acknowledged.length < 2) await new Promise((r) => setTimeout(r, 2));
    await first.kill9();
    await deleter;

    const second = await startChildService(dataDir);
    const INTERACTIONS = (ids: string[]) =>
      `{ ${ids.map((id, i) => `u${i}: user(id: ${JSON.stringify(id)}) { id interactions(first: 5) { item { id } } }`).join(' ')} }`;
    let gone = 0;
    let whole = 0;
    for (let b = 0; b < batches; b++) {
      const ids = userBatch(b, batchSize).map((u) => u.id);
      const present: boolean[] = [];
      for (let start = 0; start < ids.length; start += 25) {
        const res = await second.gql<Record<string, { id: string; interactions: unknown[] } | null>>(INTERACTIONS(ids.slice(start, start + 25)));
        expect(res.errors).toBeUndefined();
        for (const user of Object.values(res.data!)) {
          // A user still there has all of their data: an erasure is never half done.
          if (user) expect(user.interactions).toHaveLength(1);
          present.push(user !== null);
        }
      }
      // A deletion is one transaction for its whole batch (finished on start if the kill came in between).
      expect(new Set(present).size).toBe(1);
      if (acknowledged.includes(b)) expect(present[0]).toBe(false);
      if (!sent.includes(b)) expect(present[0]).toBe(true);
      if (present[0]) whole++;
      else gone++;
    }
    console.log(`kill -9 during deleteUsers: ${acknowledged.length} deletions acknowledged, ${gone} batches gone after the restart, ${whole} whole`);
    await second.stop();
  });

  it('a second process on the same DATA_DIR exits non-zero naming the holder; after kill -9 of the holder it starts', { timeout: BOUND_MS }, async () => {
    const dataDir = newDataDir();
    const holder = await startChildService(dataDir);
    const refused = await runUntilExit(dataDir);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`pid ${holder.pid}`);
    expect(refused.output).toMatch(/is in use by segmentql process/);
    // The holder kept serving.
    expect((await holder.gql(`{ segments { id } }`)).errors).toBeUndefined();

    await holder.kill9();
    // The stale pid file is still there; the kernel released the lock with the process.
    expect(fs.existsSync(`${dataDir}/segmentql.pid`)).toBe(true);
    const next = await startChildService(dataDir);
    expect(next.pid).not.toBe(holder.pid);
    await next.stop();
    // A clean stop removes the pid file.
    expect(fs.existsSync(`${dataDir}/segmentql.pid`)).toBe(false);
  });
});
