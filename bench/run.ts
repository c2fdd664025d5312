/**
 * `npm run bench [-- --sizes 100000,1000000 --queries 300 --k 16 --interaction-share 0.1 --concurrency 2]`:
 * prints, for the default model and the embedded store, embedding throughput, then per
 * population size (see population.ts) ingest rate, recluster wall time per phase, similarUsers
 * and recommendations latency over HTTP, recall@10, disk footprint and peak RSS. Numbers only.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder } from '../src/embedding/index.js';
import { benchPopulation } from './population.js';
import { fmt } from './stats.js';
import { syntheticUsers } from './synthetic-users.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    queries: { type: 'string', default: '300' },
    batch: { type: 'string', default: '1000' },
    k: { type: 'string', default: '16' },
    'interaction-share': { type: 'string', default: '0.1' },
    concurrency: { type: 'string', default: '2' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const queryCount = Number(values.queries);
const batchSize = Number(values.batch);
const k = Number(values.k);
const modelsDir = path.resolve('models');

const log = (line: string) => process.stdout.write(`${line}\n`);

async function benchEmbedding(): Promise<void> {
  const embedder = await createEmbedder({ model: 'default', modelsDir, batchSize: 64 });
  const texts = syntheticUsers(20_000, 99).map((u) => u.text);
  await embedder.embed(texts.slice(0, 256)); // warm up
  const started = performance.now();
  for (let i = 0; i < texts.length; i += 1000) await embedder.embed(texts.slice(i, i + 1000));
  const seconds = (performance.now() - started) / 1000;
  log(`embedding          ${fmt(texts.length / seconds, 0)} texts/s  (${texts.length} texts of 14 words, ${embedder.modelId}, dim ${embedder.dimension})`);
  await embedder.close();
}

log(`segmentql bench: ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, embedded store (LanceDB)`);
await benchEmbedding();
for (const size of sizes) {
  await benchPopulation({
    size,
    batchSize,
    k,
    queries: queryCount,
    modelsDir,
    log,
    interactionShare: Number(values['interaction-share']),
    concurrency: Number(values.concurrency),
  });
}
