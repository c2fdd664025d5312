/**
 * One population benchmark through the real service: ingest n synthetic users through
 * GraphQL, recluster, then time similarUsers. Shared by `npm run bench` and `npm run bench:clustering`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/app/config.js';
import { createApp, type App } from '../src/app/create-app.js';
import { fmt, percentile } from './stats.js';
import { syntheticUsers } from './synthetic-users.js';

export interface PopulationOptions {
  size: number;
  batchSize: number;
  k: number;
  queries: number;
  modelsDir: string;
  log: (line: string) => void;
}

const progress = (label: string, done: number, total: number) => {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
};

async function gql<T>(app: App, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

interface RunResult {
  status: string;
  error: string | null;
  timings: Array<{ phase: string; ms: number }>;
}

async function waitForRun(app: App, id: string): Promise<RunResult> {
  for (;;) {
    const { segmentationRun } = await gql<{ segmentationRun: RunResult }>(
      app,
      `query($id: ID!) { segmentationRun(id: $id) { status error timings { phase ms } } }`,
      { id },
    );
    if (segmentationRun.status !== 'QUEUED' && segmentationRun.status !== 'RUNNING') return segmentationRun;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function benchPopulation({ size, batchSize, k, queries: queryCount, modelsDir, log }: PopulationOptions): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-bench-'));
  const app = await createApp(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MODELS_DIR: modelsDir, SEED_DEMO: 'false', LOG_LEVEL: 'warn', MAX_BATCH_SIZE: String(batchSize), MAX_RESULT_LIMIT: '1000', RATE_LIMIT_PER_MINUTE: '0' }),
  );
  try {
    // Ingest through GraphQL, as clients do.
    const started = performance.now();
    for (let offset = 0; offset < size; offset += batchSize) {
      const users = syntheticUsers(Math.min(batchSize, size - offset), 7, offset).map(({ id, text, attributes }) => ({ id, text, attributes }));
      await gql(app, `mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users });
      progress(`ingest ${size}`, Math.min(size, offset + batchSize), size);
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    log(`ingest n=${size}      ${fmt(size / ingestSeconds, 0)} users/s through upsertUsers (batches of ${batchSize}, ${fmt(ingestSeconds)} s)`);

    // Peak memory while the run works: main-thread heap and buffers (the worker's heap counts only in RSS).
    const memory = { heap: 0, arrayBuffers: 0, rss: 0 };
    const sampleMemory = () => {
      const m = process.memoryUsage();
      memory.heap = Math.max(memory.heap, m.heapUsed);
      memory.arrayBuffers = Math.max(memory.arrayBuffers, m.arrayBuffers);
      memory.rss = Math.max(memory.rss, m.rss);
    };
    const sampler = setInterval(sampleMemory, 20);
    const reclusterStart = performance.now();
    const { recluster } = await gql<{ recluster: { id: string } }>(app, `mutation($k: Int) { recluster(input: { k: $k, seed: 1 }) { id } }`, { k });
    const result = await waitForRun(app, recluster.id);
    const reclusterSeconds = (performance.now() - reclusterStart) / 1000;
    clearInterval(sampler);
    const phases = result.timings.map((t) => `${t.phase.toLowerCase()} ${fmt(t.ms / 1000, 2)} s`).join(', ');
    log(`recluster n=${size}   ${fmt(reclusterSeconds, 2)} s wall (k=${k}, ${result.status}${result.error ? `: ${result.error}` : ''}; ${phases})`);
    const mib = (bytes: number) => fmt(bytes / 2 ** 20, 0);
    log(`recluster n=${size}   peak during the run: main-thread heap ${mib(memory.heap)} MiB, array buffers ${mib(memory.arrayBuffers)} MiB, process RSS ${mib(memory.rss)} MiB (sampled every 20 ms)`);

    const latencies: number[] = [];
    for (let q = 0; q < queryCount; q++) {
      const id = `user-${Math.floor((q * 7919) % size)}`;
      const t = performance.now();
      await gql(app, `query($id: ID!) { similarUsers(userId: $id, limit: 10) { score user { id } } }`, { id });
      latencies.push(performance.now() - t);
    }
    if (queryCount > 0) log(`similarUsers n=${size} p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms (${queryCount} queries over HTTP, limit 10)`);
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

