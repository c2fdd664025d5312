/**
 * One population benchmark through the real service, run as `npm start` runs it (a child
 * process, so its peak memory is its own): ingest n synthetic users through GraphQL with
 * two requests in flight, items and interactions for a share of them, recluster (per-phase
 * wall time), then similarUsers and BLENDED recommendations over HTTP (p50/p99) right after the
 * reclusters and again at rest (once background maintenance has finished), recall@10 of
 * similarUsers against exact search over the stored vectors, the data directory's size
 * against the raw size of vectors plus texts, and the service's peak RSS.
 * Shared by `npm run bench` and `npm run bench:clustering`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { USERS } from '../src/store/collections.js';
import { createVectorStore } from '../src/store/create-store.js';
import { directoryBytes, startServiceProcess, type ServiceProcess } from './service-process.js';
import { fmt, percentile } from './stats.js';
import { syntheticItems, syntheticUsers } from './synthetic-users.js';

export interface PopulationOptions {
  size: number;
  batchSize: number;
  k: number;
  queries: number;
  modelsDir: string;
  log: (line: string) => void;
  /** Share of users given interactions (3 each), for recommendations. */
  interactionShare?: number;
  /** Requests in flight while ingesting. */
  concurrency?: number;
}

const progress = (label: string, done: number, total: number) => {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
};

async function gql<T>(service: ServiceProcess, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 2000));
  return body.data as T;
}

interface RunResult {
  status: string;
  error: string | null;
  timings: Array<{ phase: string; ms: number }>;
}

async function waitForRun(service: ServiceProcess, id: string): Promise<RunResult> {
  for (;;) {
    const { segmentationRun } = await gql<{ segmentationRun: RunResult }>(
      service,
      `query($id: ID!) { segmentationRun(id: $id) { status error timings { phase ms } } }`,
      { id },
    );
    if (segmentationRun.status !== 'QUEUED' && segmentationRun.status !== 'RUNNING') return segmentationRun;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `count` jobs with `concurrency` in flight. */
async function pool(count: number, concurrency: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

async function recluster(service: ServiceProcess, k: number, seed: number): Promise<{ seconds: number; result: RunResult }> {
  const started = performance.now();
  const { recluster: run } = await gql<{ recluster: { id: string } }>(service, `mutation($k: Int, $seed: Int) { recluster(input: { k: $k, seed: $seed }) { id } }`, {
    k,
    seed,
  });
  const result = await waitForRun(service, run.id);
  return { seconds: (performance.now() - started) / 1000, result };
}

const gib = (bytes: number) => `${fmt(bytes / 2 ** 30, 2)} GiB`;

const phasesOf = (result: RunResult) => result.timings.map((t) => `${t.phase.toLowerCase()} ${fmt(t.ms / 1000, 2)} s`).join(', ');

export async function benchPopulation(options: PopulationOptions): Promise<void> {
  const { size, batchSize, k, queries: queryCount, modelsDir, log } = options;
  const interactionShare = options.interactionShare ?? 0.1;
  const concurrency = options.concurrency ?? 2;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-bench-'));
  const service = await startServiceProcess({
    DATA_DIR: dataDir,
    MODELS_DIR: modelsDir,
    LOG_LEVEL: 'warn',
    MAX_BATCH_SIZE: String(batchSize),
    MAX_RESULT_LIMIT: '1000',
    MAX_QUERY_TOKENS: '1000000',
  });
  const similarAnswers = new Map<string, string[]>();
  let textBytes = 0;
  let restingDisk = 0;
  let restingSeconds = 0;
  try {
    // 1. Users through GraphQL, as clients send them.
    const batches = Math.ceil(size / batchSize);
    let done = 0;
    const started = performance.now();
    let blockStarted = started;
    await pool(batches, concurrency, async (b) => {
      const offset = b * batchSize;
      const users = syntheticUsers(Math.min(batchSize, size - offset), 7, offset).map(({ id, text, attributes }) => ({ id, text, attributes }));
      for (const u of users) textBytes += Buffer.byteLength(u.text);
      await gql(service, `mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users });
      done += users.length;
      progress(`ingest ${size}`, done, size);
      if (done % (size >= 500_000 ? 100_000 : Math.max(size, 1)) === 0 && size >= 500_000) {
        const now = performance.now();
        log(`  ${done} users: ${fmt(done / ((now - started) / 1000), 0)} users/s so far, ${fmt(100_000 / ((now - blockStarted) / 1000), 0)} users/s over the last 100,000`);
        blockStarted = now;
      }
    });
    const ingestSeconds = (performance.now() - started) / 1000;
    log(`ingest n=${size}      ${fmt(size / ingestSeconds, 0)} users/s through upsertUsers (batches of ${batchSize}, ${concurrency} in flight, ${fmt(ingestSeconds)} s)`);
    // Each phase's peak RSS, and where the memory was at the highest sampled point of the phase.
    const phasePeaks: string[] = [];
    const breakdowns: string[] = [];
    const endPhase = (name: string) => {
      phasePeaks.push(`${name} ${gib(service.phasePeakRssBytes())}`);
      const m = service.phasePeakMemory();
      if (m) breakdowns.push(`${name}: rss ${gib(m.rssBytes)} = heap ${gib(m.heapTotalBytes)} (used ${gib(m.heapUsedBytes)}) + external ${gib(m.externalBytes)} (array buffers ${gib(m.arrayBuffersBytes)}) + native ${gib(m.nativeBytes)}`);
    };
    endPhase('ingest');

    // 2. Items and interactions for a share of the users (3 each: what recommendations need).
    const items = syntheticItems(2000, 11);
    for (let i = 0; i < items.length; i += batchSize) {
      await gql(service, `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: items.slice(i, i + batchSize) });
    }
    const engaged = Math.floor(size * interactionShare);
    const stride = Math.max(1, Math.floor(size / Math.max(1, engaged)));
    const engagedIds = Array.from({ length: engaged }, (_, i) => `user-${(i * stride) % size}`);
    const eventsStarted = performance.now();
    const perBatch = Math.floor(batchSize / 3);
    await pool(Math.ceil(engaged / perBatch), concurrency, async (b) => {
      const events = engagedIds.slice(b * perBatch, (b + 1) * perBatch).flatMap((userId, i) => {
        const theme = Number(userId.slice(5)) % 8;
        return [0, 1, 2].map((j) => ({ userId, itemId: `item-${(theme * 250 + ((i * 31 + j * 7) % 250)) % items.length}`, kind: j === 0 ? 'RATING' : 'LIKE', ...(j === 0 && { value: 5 }) }));
      });
      await gql(service, `mutation($i: [InteractionInput!]!) { recordInteractions(interactions: $i) }`, { i: events });
    });
    log(`interactions          ${engaged * 3} for ${engaged} users in ${fmt((performance.now() - eventsStarted) / 1000)} s`);
    endPhase('interactions');

    // 3. Recluster: the first run also rebuilds the profiles the interactions queued.
    const first = await recluster(service, k, 1);
    log(`recluster n=${size}   first run ${fmt(first.seconds, 2)} s wall incl. rebuilding ${engaged} queued profiles (k=${k}, ${first.result.status}; ${phasesOf(first.result)})`);
    const second = await recluster(service, k, 2);
    endPhase('reclusters');
    log(`recluster n=${size}   ${fmt(second.seconds, 2)} s wall (k=${k}, ${second.result.status}${second.result.error ? `: ${second.result.error}` : ''}; ${phasesOf(second.result)})`);

    // 4. Latency over HTTP, one request at a time: right after the reclusters (background
    // compaction may still be folding the rewritten profiles into the index), then at rest.
    const measureQueries = async (when: string) => {
      const latencies: number[] = [];
      for (let q = 0; q < queryCount; q++) {
        const id = `user-${Math.floor((q * 7919) % size)}`;
        const t = performance.now();
        const { similarUsers } = await gql<{ similarUsers: Array<{ user: { id: string } }> }>(
          service,
          `query($id: ID!) { similarUsers(userId: $id, limit: 10) { score user { id } } }`,
          { id },
        );
        latencies.push(performance.now() - t);
        similarAnswers.set(id, similarUsers.map((s) => s.user.id));
      }
      if (queryCount > 0) log(`similarUsers n=${size} ${when}: p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms (${queryCount} queries over HTTP, limit 10)`);
      const recLatencies: number[] = [];
      for (let q = 0; q < Math.min(queryCount, engagedIds.length); q++) {
        const id = engagedIds[(q * 7919) % engagedIds.length]!;
        const t = performance.now();
        await gql(service, `query($id: ID!) { recommendations(userId: $id, limit: 10) { score item { id } } }`, { id });
        recLatencies.push(performance.now() - t);
      }
      if (recLatencies.length > 0) {
        log(`recommendations n=${size} ${when}: p50 ${fmt(percentile(recLatencies, 50), 1)} ms, p99 ${fmt(percentile(recLatencies, 99), 1)} ms (BLENDED, ${recLatencies.length} users with interactions, over HTTP)`);
      }
    };
    await measureQueries('after the reclusters');
    endPhase('queries');
    // At rest: the embedded store compacts and prunes once writes pause (LANCEDB_IDLE_COMPACT_MS
    // 30 s, then a prune LANCEDB_PRUNE_OLDER_THAN_MS later). Waits until the directory stops changing
    // (the same size 10 s apart, after at least 45 s), at most 5 minutes; that is also the footprint at rest.
    const quietStarted = performance.now();
    let previous = -1;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      restingDisk = directoryBytes(dataDir);
      const waited = (performance.now() - quietStarted) / 1000;
      if ((waited >= 45 && restingDisk === previous) || waited >= 300) break;
      previous = restingDisk;
    }
    restingSeconds = (performance.now() - quietStarted) / 1000;
    endPhase('background maintenance');
    await measureQueries('at rest');
    endPhase('queries at rest');
    log(`peak RSS n=${size}    ${fmt(service.peakRssBytes() / 2 ** 30, 2)} GiB (the service process; per phase: ${phasePeaks.join(', ')})`);
    for (const line of breakdowns) log(`  memory at the sampled peak of ${line}`);
  } finally {
    await service.stop();
  }
  try {
    // 5. Disk, then recall against exact search over the stored vectors.
    const disk = restingDisk || directoryBytes(dataDir);
    const vectorsDir = path.join(dataDir, 'vectors');
    const store = await createVectorStore({ dataDir });
    const ids: string[] = [];
    let matrix = new Float32Array(0);
    let d = 0;
    let cursor: string | undefined;
    do {
      const page = await store.scroll(USERS, { limit: 10_000, cursor, withVector: true });
      for (const r of page.records) {
        if (!r.vector) continue;
        d = r.vector.length;
        if (matrix.length < (ids.length + 1) * d) {
          const grown = new Float32Array(Math.max(d * 1024, matrix.length * 2));
          grown.set(matrix);
          matrix = grown;
        }
        matrix.set(r.vector, ids.length * d);
        ids.push(r.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    await store.close();
    const raw = ids.length * d * 4 + textBytes;
    log(
      `disk n=${size}        ${fmt(disk / 2 ** 30, 2)} GiB data directory at rest (stable ${fmt(restingSeconds, 0)} s after the last write; vectors ${fmt(fs.existsSync(vectorsDir) ? directoryBytes(vectorsDir) / 2 ** 30 : 0, 2)} GiB) for ${fmt(raw / 2 ** 30, 2)} GiB of raw vectors and texts: ${fmt(disk / raw, 2)}x`,
    );
    if (similarAnswers.size > 0) {
      const index = new Map(ids.map((id, i) => [id, i] as const));
      let hits = 0;
      let total = 0;
      for (const [id, answer] of similarAnswers) {
        const q = index.get(id);
        if (q === undefined) continue;
        const best: Array<{ i: number; s: number }> = [];
        for (let i = 0; i < ids.length; i++) {
          if (i === q) continue;
          let s = 0;
          for (let t = 0; t < d; t++) s += matrix[q * d + t]! * matrix[i * d + t]!;
          if (best.length < 10 || s > best[best.length - 1]!.s) {
            best.push({ i, s });
            best.sort((a, b) => b.s - a.s);
            if (best.length > 10) best.pop();
          }
        }
        // A returned user counts when its exact score reaches the 10th best exact score (within
        // float tolerance): synthetic users repeat texts, so several users can tie exactly and
        // any of them is a correct 10th neighbour (the distance-threshold recall of ann-benchmarks).
        const tenth = best[best.length - 1]?.s ?? -Infinity;
        for (const a of answer) {
          const i = index.get(a);
          if (i === undefined) continue;
          let s = 0;
          for (let t = 0; t < d; t++) s += matrix[q * d + t]! * matrix[i * d + t]!;
          if (s >= tenth - 1e-5) hits++;
        }
        total += 10;
      }
      log(`recall@10 n=${size}   ${fmt(hits / total, 3)} of similarUsers against exact search (${similarAnswers.size} queries; ties at the 10th score count)`);
    }
  } finally {
    // BENCH_KEEP_DATA=1 leaves the data directory for inspection.
    if (process.env.BENCH_KEEP_DATA === '1') log(`data directory kept: ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
