/**
 * `npm run bench:store [-- --sizes 100000,1000000 --queries 500 --batch 1000 --dir /tmp/x]`:
 * the embedded LanceDB store alone, through the VectorStore port. Per size, into a fresh
 * directory: writes N synthetic 100-d unit vectors with ~100-character payload texts in
 * batches, printing the write rate per 100k rows, table versions, data files and disk
 * footprint as it grows; then waits for background maintenance and prints the footprint
 * against the raw size (vectors + texts), index build times, search latency exact vs indexed
 * (unfiltered and filtered), recall@10 of the indexed search against exact search, and peak RSS.
 * Store settings come from the same LANCEDB_* variables as the service. Numbers only.
 *
 * Vectors are a seeded mixture (64 topics x 32 sub-topics plus noise), so they have the
 * neighbourhood structure of real embeddings; uniformly random 100-d vectors have no near
 * neighbours to find, which no index (and no real user base) looks like.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as lancedb from '@lancedb/lancedb';
import { loadConfig } from '../src/app/config.js';
import { Random } from '../src/clustering/random.js';
import { LanceDbStore, type MaintenanceEvent } from '../src/store/lancedb-store.js';
import { lanceStoreSettings } from '../src/app/lance-settings.js';
import type { CollectionSpec, Filter, ScoredRecord, VectorRecord } from '../src/store/port.js';
import { fmt, percentile } from './stats.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    queries: { type: 'string', default: '500' },
    batch: { type: 'string', default: '1000' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'nprobes-sweep': { type: 'string', default: '5,10,40' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const queryCount = Number(values.queries);
const batchSize = Number(values.batch);
const DIM = 100;
const K = 10;
const COLLECTION = 'users';
const TIERS = ['tier=free', 'tier=pro', 'tier=team', 'tier=enterprise'];
const spec: CollectionSpec = { name: COLLECTION, dimension: DIM, indexedFields: [{ name: 'attrs', type: 'keyword[]' }] };
const WORDS = 'space galaxy rocket vegan recipe pasta hiking mountain trail gaming console stocks bonds music guitar jazz football coach toddler bedtime'.split(' ');

const log = (line: string) => process.stdout.write(`${line}\n`);
const config = loadConfig();

/** A seeded generator of clustered unit vectors and ~100-character texts. */
function makeGenerator(seed: number) {
  const random = new Random(seed);
  const gaussianVector = (scale: number) => Float32Array.from({ length: DIM }, () => random.gaussian() * scale);
  const topics = Array.from({ length: 64 }, () => gaussianVector(1));
  const subTopics = Array.from({ length: 64 * 32 }, () => gaussianVector(0.6));
  return {
    record(i: number): VectorRecord {
      const topic = random.int(64);
      const sub = subTopics[topic * 32 + random.int(32)]!;
      const vector = new Float32Array(DIM);
      for (let d = 0; d < DIM; d++) vector[d] = topics[topic]![d]! + sub[d]! + random.gaussian() * 0.5;
      let text = `user ${i}:`;
      while (text.length < 100) text += ` ${WORDS[random.int(WORDS.length)]}`;
      return { id: `user-${i}`, vector, payload: { text, attrs: [TIERS[random.int(TIERS.length)]!] } };
    },
  };
}

function diskBytes(dir: string): { bytes: number; dataFiles: number } {
  let bytes = 0;
  let dataFiles = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    // Maintenance may delete a file between listing and stat: it no longer counts.
    bytes += statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (entry.name.endsWith('.lance') && path.basename(entry.parentPath) === 'data') dataFiles++;
  }
  return { bytes, dataFiles };
}

/** Versions and fragments of the table, read through a separate handle as an operator would. */
async function tableShape(dir: string): Promise<string> {
  const db = await lancedb.connect(dir);
  const table = await db.openTable(COLLECTION);
  const versions = (await table.listVersions()).length;
  const fragments = (await table.stats()).fragmentStats.numFragments;
  table.close();
  db.close();
  return `versions ${versions}  fragments ${fragments}`;
}

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MB`;

async function timed<T>(samples: number[], run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  samples.push(performance.now() - started);
  return result;
}

/**
 * Latency of 100 searches by stored vectors in the middle of the ingest (maintenance may be
 * running and recent rows not yet indexed), as a live service would see it.
 */
async function searchWhileGrowing(store: LanceDbStore, rows: number, seed: number): Promise<number[]> {
  const random = new Random(seed);
  const sample = await store.get(COLLECTION, Array.from(random.sampleIndices(rows, 100), (i) => `user-${i}`), { withVector: true });
  const samples: number[] = [];
  for (const q of sample) await timed(samples, () => store.search(COLLECTION, q.vector!, { limit: K }));
  return samples;
}

async function benchSize(size: number): Promise<void> {
  const dir = values.dir !== undefined ? path.resolve(values.dir, `store-${size}`) : mkdtempSync(path.join(os.tmpdir(), 'segmentql-bench-store-'));
  rmSync(dir, { recursive: true, force: true });
  const events: MaintenanceEvent[] = [];
  const settings = lanceStoreSettings(config);
  const openStore = () =>
    LanceDbStore.open({
      dir,
      ...settings,
      onMaintenance: (e) => events.push(e),
      onWarning: (m, e) => log(`  warning: ${m}: ${String(e)}`),
    });
  let store = await openStore();
  log(`\n--- ${size.toLocaleString('en-US')} rows, batches of ${batchSize}, index ${settings.maintenance.indexType} from ${settings.maintenance.indexMinRows} rows, compact every ${settings.maintenance.compactEveryRows} rows / ${settings.maintenance.compactEveryFragments} writes, nprobes ${settings.search.nprobes}`);
  await store.ensureCollection(spec);
  const generator = makeGenerator(size);
  let rawBytes = 0;
  const started = performance.now();
  const startCpu = process.cpuUsage();
  let blockStarted = started;
  // CPU time of this process (Lance's threads included) per block: unlike the wall-clock rate,
  // it does not depend on what else the shared machine is running.
  let blockCpu = process.cpuUsage();
  const step = Math.min(100_000, size);
  for (let written = 0; written < size; ) {
    const batch: VectorRecord[] = [];
    for (let i = 0; i < batchSize && written + i < size; i++) batch.push(generator.record(written + i));
    for (const r of batch) rawBytes += DIM * 4 + Buffer.byteLength(r.payload.text as string);
    await store.upsert(COLLECTION, batch);
    written += batch.length;
    if (written % step === 0 || written === size) {
      const now = performance.now();
      const cpu = process.cpuUsage(blockCpu);
      const disk = diskBytes(dir);
      const searchMs = await searchWhileGrowing(store, written, written);
      log(`  ${written.toLocaleString('en-US').padStart(9)} rows  ${fmt(step / ((now - blockStarted) / 1000), 0).padStart(7)} rows/s  cpu ${fmt((cpu.user + cpu.system) / 1e6, 1)} s  ${await tableShape(dir)}  data files ${disk.dataFiles}  disk ${mb(disk.bytes)}  search p50 ${fmt(percentile(searchMs, 50), 1)} p99 ${fmt(percentile(searchMs, 99), 1)} ms  rss ${mb(process.memoryUsage().rss)}`);
      blockStarted = performance.now();
      blockCpu = process.cpuUsage();
    }
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const ingestCpu = process.cpuUsage(startCpu);
  log(`  ingest: ${fmt(size / ingestSeconds, 0)} rows/s overall (${fmt(ingestSeconds, 1)} s, cpu ${fmt((ingestCpu.user + ingestCpu.system) / 1e6, 1)} s including background maintenance, load average ${fmt(os.loadavg()[0]!, 1)})`);

  const settleStarted = performance.now();
  await store.optimize();
  log(`  final maintenance pass ${fmt((performance.now() - settleStarted) / 1000, 1)} s`);
  const disk = diskBytes(dir);
  log(`  after maintenance: ${await tableShape(dir)}  data files ${disk.dataFiles}  disk ${mb(disk.bytes)} = ${fmt(disk.bytes / rawBytes, 2)}x raw ${mb(rawBytes)} (vectors + texts; versions younger than ${settings.maintenance.pruneOlderThanMs} ms kept)`);
  const compactions = events.filter((e) => e.kind === 'compact');
  log(`  compactions: ${compactions.length}, longest ${fmt(Math.max(...compactions.map((e) => e.durationMs)) / 1000, 2)} s, total ${fmt(compactions.reduce((s, e) => s + e.durationMs, 0) / 1000, 1)} s`);
  for (const e of events.filter((e) => e.kind === 'vector-index')) {
    log(`  vector index trained at ${e.rows.toLocaleString('en-US')} rows in ${fmt(e.durationMs / 1000, 1)} s`);
  }

  // Queries: stored vectors of random rows (what similarUsers does), searched exactly by a
  // second handle that never uses the index, and by the store with its index.
  // The exact handle first prunes with no grace period: what the directory settles to once the
  // versions kept for in-flight readers have aged out. A LanceDB handle does not look for
  // versions committed by other handles, so the store is closed meanwhile and reopened after
  // (which also exercises picking up the index state from disk).
  await store.close();
  const exactStore = await LanceDbStore.open({ dir, maintenance: { indexMinRows: 0, compactEveryRows: 0, compactEveryFragments: 0, pruneOlderThanMs: 0 } });
  await exactStore.ensureCollection(spec);
  await exactStore.optimize();
  store = await openStore();
  await store.ensureCollection(spec);
  const settled = diskBytes(dir);
  log(`  old versions pruned: ${await tableShape(dir)}  data files ${settled.dataFiles}  disk ${mb(settled.bytes)} = ${fmt(settled.bytes / rawBytes, 2)}x raw`);
  const random = new Random(7);
  const ids = Array.from(random.sampleIndices(size, Math.min(queryCount, size)), (i) => `user-${i}`);
  const queries = await store.get(COLLECTION, ids, { withVector: true });
  const truths: Set<string>[] = [];
  for (const [label, filter] of [['unfiltered', undefined], ['filtered (1 of 4 tiers)', { must: [{ field: 'attrs', eq: 'tier=pro' }] }]] as [string, Filter | undefined][]) {
    const exactMs: number[] = [];
    const indexedMs: number[] = [];
    let hits = 0;
    let wanted = 0;
    // One untimed warm-up pass of each, then the timed pass.
    for (const pass of [0, 1]) {
      for (const q of queries) {
        const options = { limit: K, ...(filter !== undefined && { filter }) };
        const exact: ScoredRecord[] = await timed(pass === 0 ? [] : exactMs, () => exactStore.search(COLLECTION, q.vector!, options));
        const indexed: ScoredRecord[] = await timed(pass === 0 ? [] : indexedMs, () => store.search(COLLECTION, q.vector!, options));
        if (pass === 1) {
          const truth = new Set(exact.map((r) => r.id));
          if (filter === undefined) truths.push(truth);
          hits += indexed.filter((r) => truth.has(r.id)).length;
          wanted += exact.length;
        }
      }
    }
    log(`  search ${label}: exact p50 ${fmt(percentile(exactMs, 50), 2)} ms p99 ${fmt(percentile(exactMs, 99), 2)} ms | indexed p50 ${fmt(percentile(indexedMs, 50), 2)} ms p99 ${fmt(percentile(indexedMs, 99), 2)} ms | recall@${K} ${fmt(hits / wanted, 3)} (${queries.length} queries)`);
  }
  // Other probe counts on the same index, against the same exact answers.
  for (const nprobes of values['nprobes-sweep'].split(',').filter(Boolean).map(Number)) {
    const probe = await LanceDbStore.open({ dir, maintenance: { ...settings.maintenance, compactEveryRows: 0, compactEveryFragments: 0 }, search: { ...settings.search, nprobes } });
    await probe.ensureCollection(spec);
    const ms: number[] = [];
    let hits = 0;
    for (const pass of [0, 1]) {
      for (const [i, q] of queries.entries()) {
        const found = await timed(pass === 0 ? [] : ms, () => probe.search(COLLECTION, q.vector!, { limit: K }));
        if (pass === 1) hits += found.filter((r) => truths[i]!.has(r.id)).length;
      }
    }
    await probe.close();
    log(`  search unfiltered with nprobes ${nprobes}: p50 ${fmt(percentile(ms, 50), 2)} ms p99 ${fmt(percentile(ms, 99), 2)} ms | recall@${K} ${fmt(hits / (queries.length * K), 3)}`);
  }
  // similarUsers by id: fetch the stored vector, then search (what the service does per call).
  const byIdMs: number[] = [];
  for (const pass of [0, 1]) {
    for (const id of ids) {
      await timed(pass === 0 ? [] : byIdMs, async () => {
        const [me] = await store.get(COLLECTION, [id], { withVector: true });
        return store.search(COLLECTION, me!.vector!, { limit: K + 1 });
      });
    }
  }
  log(`  get + search by id (similarUsers in-process): p50 ${fmt(percentile(byIdMs, 50), 2)} ms p99 ${fmt(percentile(byIdMs, 99), 2)} ms`);
  const upsertMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const batch = Array.from({ length: batchSize }, (_, j) => generator.record(((i * batchSize + j) * 7919) % size));
    await timed(upsertMs, () => store.upsert(COLLECTION, batch));
  }
  log(`  re-upsert ${batchSize} existing ids: p50 ${fmt(percentile(upsertMs, 50), 0)} ms p99 ${fmt(percentile(upsertMs, 99), 0)} ms`);
  await exactStore.close();
  await store.close();
  log(`  peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)}`);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}

log(`segmentql bench:store: ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, LanceDB ${DIM}-d`);
for (const size of sizes) await benchSize(size);
