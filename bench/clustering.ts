/**
 * `npm run build && node dist/bench/clustering.js [--sizes 50000,100000] [--skip-ml-kmeans]
 *   [--repeats 3] [--d 384] [--k 16] [--std 1] [--seed 1] [--python /usr/bin/python3]`
 *
 * k-means on Gaussian blobs, side by side on identical data: this project's kmeans
 * (src/clustering), ml-kmeans (the previous implementation), and scikit-learn's
 * KMeans(n_init=1, init='k-means++') in a python3 subprocess (the matrix goes through a temporary
 * float32 file; only the fit is timed, inside Python).
 *
 * Data, like scikit-learn's make_blobs defaults: k centres uniform in [-10, 10]^d, rows split
 * evenly among them in shuffled order, each coordinate centre + std · N(0, 1), std = 1. At d = 384
 * the blobs are far apart, so a good seeding reaches ARI = 1 against the truth (a bad one merges
 * two blobs and splits another, which shows in the ARI column). `--std 8` or `--std 30` make the
 * blobs overlap (more iterations, ARI < 1 for every implementation). Seeded: every run and every
 * implementation sees the same data. Seconds are the median of --repeats runs (ml-kmeans: one
 * run; its time excludes converting the matrix to number[][]). Numbers only; no assertions.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchPopulation } from './population.js';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { adjustedRandIndex } from '../src/clustering/ari.js';
import { makeBlobs } from '../src/clustering/blobs.js';
import { kmeans } from '../src/clustering/kmeans.js';
import { fmt } from './stats.js';

const { values } = parseArgs({
  options: {
    'skip-recluster': { type: 'boolean', default: false },
    'recluster-users': { type: 'string', default: '100000' },
    sizes: { type: 'string', default: '50000,100000' },
    d: { type: 'string', default: '384' },
    k: { type: 'string', default: '16' },
    std: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    'skip-ml-kmeans': { type: 'boolean', default: false },
    python: { type: 'string' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const d = Number(values.d);
const k = Number(values.k);
const std = Number(values.std);
const seed = Number(values.seed);
const repeats = Math.max(1, Number(values.repeats));

const log = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  n: number;
  implementation: string;
  seconds: number;
  iterations: number;
  ari: number;
}

const SKLEARN_SCRIPT = String.raw`
import json, sys, time
import numpy as np
import sklearn
from sklearn.cluster import KMeans
data_path, labels_path, n, d, k, seed, repeats = sys.argv[1:]
X = np.fromfile(data_path, dtype='<f4').reshape(int(n), int(d))
times = []
for _ in range(int(repeats)):
    started = time.perf_counter()
    km = KMeans(n_clusters=int(k), n_init=1, init='k-means++', random_state=int(seed)).fit(X)
    times.append(time.perf_counter() - started)
km.labels_.astype('<i4').tofile(labels_path)
try:
    from threadpoolctl import threadpool_info
    threads = {i['internal_api']: i['num_threads'] for i in threadpool_info()}
except Exception:
    threads = {}
print(json.dumps({'times': times, 'iterations': int(km.n_iter_), 'version': sklearn.__version__, 'threads': threads}))
`;

/** The first python3 that imports scikit-learn (`--python`, then PATH's, then Debian's, which apt's python3-sklearn targets). */
function findPython(): string | undefined {
  const candidates = values.python ? [values.python] : ['python3', '/usr/bin/python3'];
  return candidates.find((bin) => spawnSync(bin, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0);
}

function runSklearn(python: string, data: Float32Array, n: number, truth: Int32Array): { row: Row; note: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-kmeans-'));
  try {
    const dataPath = path.join(dir, 'data.f32');
    const labelsPath = path.join(dir, 'labels.i32');
    fs.writeFileSync(dataPath, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); // little-endian on x86/arm
    const result = spawnSync(python, ['-c', SKLEARN_SCRIPT, dataPath, labelsPath, String(n), String(d), String(k), String(seed), String(repeats)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (result.status !== 0) throw new Error(`scikit-learn run failed: ${result.stderr}`);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { times: number[]; iterations: number; version: string; threads: Record<string, number> };
    const bytes = fs.readFileSync(labelsPath);
    const labels = new Int32Array(bytes.buffer, bytes.byteOffset, n);
    const threads = Object.entries(out.threads).map(([api, count]) => `${api} ${count}`).join(', ');
    return {
      row: { n, implementation: `scikit-learn ${out.version}`, seconds: median(out.times), iterations: out.iterations, ari: adjustedRandIndex(labels, truth) },
      note: `scikit-learn ${out.version} threads: ${threads || 'unknown'}; runs: ${out.times.map((t) => fmt(t, 3)).join(', ')} s`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runOurs(data: Float32Array, n: number, truth: Int32Array): { row: Row; note: string } {
  const times: number[] = [];
  let result: ReturnType<typeof kmeans> | undefined;
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    result = kmeans(data, n, d, k, { seed });
    times.push((performance.now() - started) / 1000);
  }
  return {
    row: { n, implementation: 'segmentql kmeans', seconds: median(times), iterations: result!.iterations, ari: adjustedRandIndex(result!.assignments, truth) },
    note: `segmentql kmeans runs: ${times.map((t) => fmt(t, 3)).join(', ')} s (single thread)`,
  };
}

function runMlKmeans(data: Float32Array, n: number, truth: Int32Array): Row {
  const rows: number[][] = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
  const started = performance.now();
  const result = mlKmeans(rows, k, { initialization: 'kmeans++', seed, maxIterations: 100, tolerance: 1e-6 });
  const seconds = (performance.now() - started) / 1000;
  return { n, implementation: 'ml-kmeans 7', seconds, iterations: result.iterations, ari: adjustedRandIndex(result.clusters, truth) };
}

// JIT warm-up on small data, so the first timed run is not also compiling the kernels.
{
  const warm = makeBlobs({ n: 4000, d, k, std, seed: seed + 1000 });
  kmeans(warm.data, 4000, d, k, { seed });
}

const python = findPython();
log(`k-means on Gaussian blobs: d = ${d}, k = ${k}, centres uniform in [-10, 10]^${d}, std = ${std}, data seed ${seed}, k-means seed ${seed}`);
log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`);
if (!python) log('scikit-learn not installed (apt-get install python3-sklearn): column skipped');

const rows: Row[] = [];
const notes: string[] = [];
for (const n of sizes) {
  const { data, labels } = makeBlobs({ n, d, k, std, seed });
  const ours = runOurs(data, n, labels);
  rows.push(ours.row);
  notes.push(`n = ${n}: ${ours.note}`);
  if (python) {
    const sk = runSklearn(python, data, n, labels);
    rows.push(sk.row);
    notes.push(`n = ${n}: ${sk.note}`);
  }
  if (!values['skip-ml-kmeans']) rows.push(runMlKmeans(data, n, labels));
}

const header = ['n', 'implementation', 'seconds', 'iterations', 'ARI vs truth', 'ratio vs sklearn'];
const table = rows.map((r) => {
  const sk = rows.find((o) => o.n === r.n && o.implementation.startsWith('scikit-learn'));
  return [String(r.n), r.implementation, fmt(r.seconds, 3), String(r.iterations), fmt(r.ari, 4), sk ? `${fmt(r.seconds / sk.seconds, 2)}x` : '-'];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
log('');
log(line(header));
log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const t of table) log(line(t));
log('');
for (const note of notes) log(note);
log(`peak RSS of this process: ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB`);

// The whole recluster through the service (scroll + cluster + metrics + portraits + write-back).
if (!values['skip-recluster']) {
  log('');
  log(`whole recluster on the embedded store (synthetic users, default model, k = 16):`);
  await benchPopulation({ size: Number(values['recluster-users']), batchSize: 1000, k: 16, queries: 0, modelsDir: path.resolve('models'), log });
}
