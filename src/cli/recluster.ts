/**
 * `npm run recluster -- --k 8` (or `--k-min 2 --k-max 12`, `--subsegments 3`, `--seed 42`,
 * `--filter country=DE`, `--algorithm KMEANS_REFERENCE`, `--url http://host:4000/graphql`; an admin API key
 * in SEGMENTQL_API_KEY when the service has keys):
 * starts a segmentation run on the running service and follows it with a progress bar,
 * through the same GraphQL API (mutation + graphql-ws subscription) frontends use.
 */
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ProgressBar } from './progress-bar.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.SEGMENTQL_URL ?? `http://localhost:${process.env.PORT ?? 4000}/graphql` },
    k: { type: 'string' },
    'k-min': { type: 'string' },
    'k-max': { type: 'string' },
    subsegments: { type: 'string' },
    seed: { type: 'string' },
    algorithm: { type: 'string' },
    filter: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: npm run recluster -- [--k N | --k-min A --k-max B] [--subsegments N] [--seed N] [--filter attr=value ...] [--algorithm KMEANS|KMEANS_REFERENCE] [--url URL]\n' +
      'A service with API keys needs an admin key in SEGMENTQL_API_KEY (read from the environment so it stays out of shell history and ps).\n',
  );
  process.exit(0);
}

const int = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) {
    process.stderr.write(`--${name} needs an integer, got "${value}"\n`);
    process.exit(2);
  }
  return n;
};

const input: Record<string, unknown> = {};
if (values.k) input.k = int('k', values.k);
if (values['k-min'] || values['k-max']) input.kRange = { min: int('k-min', values['k-min'] ?? '2'), max: int('k-max', values['k-max'] ?? '12') };
if (values.subsegments) input.subsegments = int('subsegments', values.subsegments);
if (values.seed) input.seed = int('seed', values.seed);
if (values.algorithm) input.algorithm = values.algorithm;
if (values.filter) {
  input.filter = values.filter.map((f) => {
    const at = f.indexOf('=');
    if (at <= 0) {
      process.stderr.write(`--filter needs attribute=value, got "${f}"\n`);
      process.exit(2);
    }
    return { attribute: f.slice(0, at), equals: f.slice(at + 1) };
  });
}

const RUN = 'id status phase progress k userCount iteration inertia error metrics { silhouette silhouetteSampleSize daviesBouldin } kCandidates { k silhouette } segments { label size }';

interface Run {
  id: string;
  status: string;
  phase: string;
  progress: number;
  k: number | null;
  userCount: number | null;
  iteration: number | null;
  inertia: number | null;
  error: string | null;
  metrics: { silhouette: number | null; silhouetteSampleSize: number; daviesBouldin: number | null } | null;
  kCandidates: Array<{ k: number; silhouette: number | null }>;
  segments: Array<{ label: string; size: number }>;
}

const authorization = process.env.SEGMENTQL_API_KEY ? `Bearer ${process.env.SEGMENTQL_API_KEY}` : undefined;

async function main(): Promise<void> {
  const response = await fetch(values.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: `mutation($input: ReclusterInput) { recluster(input: $input) { id } }`, variables: { input } }),
  }).catch((error: unknown) => {
    throw new Error(`cannot reach ${values.url}: ${error instanceof Error ? error.message : String(error)} (is the service running? npm start)`);
  });
  const body = (await response.json()) as { data?: { recluster: { id: string } }; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
  const runId = body.data!.recluster.id;
  process.stderr.write(`run ${runId} started\n`);

  const bar = new ProgressBar();
  const client = createClient({
    url: values.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: authorization ? { authorization } : undefined,
  });
  let last: Run | undefined;
  await new Promise<void>((resolve, reject) => {
    client.subscribe<{ segmentationRunUpdated: Run }>(
      { query: `subscription($id: ID) { segmentationRunUpdated(runId: $id) { ${RUN} } }`, variables: { id: runId } },
      {
        next: ({ data, errors }) => {
          if (errors) return reject(new Error(errors.map((e) => e.message).join('\n')));
          last = data!.segmentationRunUpdated;
          const detail = [
            last.phase.toLowerCase(),
            last.userCount !== null ? `${last.userCount} users` : null,
            last.k !== null ? `k=${last.k}` : null,
            last.iteration !== null ? `iteration ${last.iteration}` : null,
            last.inertia !== null ? `inertia ${last.inertia.toFixed(1)}` : null,
          ].filter(Boolean);
          bar.update(last.progress, detail.join(', '));
        },
        error: (error) => reject(error instanceof Error ? error : new Error(String(error))),
        complete: () => resolve(),
      },
    );
  });
  await client.dispose();
  if (!last || last.status !== 'SUCCEEDED') {
    bar.done(`run ${runId} ${last?.status ?? 'ended'}${last?.error ? `: ${last.error}` : ''}`);
    process.exit(1);
  }
  bar.done(`run ${runId} SUCCEEDED: ${last.segments.length} segments of ${last.userCount} users`);
  if (last.kCandidates.length > 1) {
    process.stdout.write(`k candidates: ${last.kCandidates.map((c) => `${c.k}:${c.silhouette?.toFixed(3) ?? 'n/a'}`).join('  ')}\n`);
  }
  if (last.metrics) {
    process.stdout.write(`silhouette ${last.metrics.silhouette?.toFixed(3)} (sample ${last.metrics.silhouetteSampleSize}), Davies-Bouldin ${last.metrics.daviesBouldin?.toFixed(3)}\n`);
  }
  for (const s of last.segments) process.stdout.write(`${String(s.size).padStart(8)}  ${s.label}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
