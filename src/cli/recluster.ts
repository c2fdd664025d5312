/**
 * `npm run recluster -- --k 8` (or `--k-min 2 --k-max 12`, `--subsegments 3`, `--seed 42`,
 * `--filter country=DE`, `--algorithm KMEANS_REFERENCE`, `--url http://host:4000/graphql`; an admin API key
 * in SEGMENTQL_API_KEY when the service has keys):
 * starts a segmentation run on the running service and follows it with a progress bar,
 * through the same GraphQL API (mutation + graphql-ws subscription) frontends use.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { parseCliArgs, usageError } from './cli-args.js';
import { ProgressBar } from './progress-bar.js';

const DEFAULT_URL = `http://localhost:${process.env.PORT ?? 4000}/graphql`;

const USAGE = `usage: npm run recluster -- [options]

Starts a segmentation run on the running service and follows it with a progress bar, through the
GraphQL API (startSegmentationRun, then the segmentationRunUpdated subscription over WebSocket).

options:
  --k N                 number of segments, 2 to 1000 (default: the service's DEFAULT_K, 8)
  --k-min A --k-max B   choose k in [A, B] by silhouette instead (at most 30 values; defaults 2 and 12)
  --subsegments N       split every segment once more into N subsegments, 2 to 10 (default: none)
  --seed N              random seed, a non-negative integer (default: random)
  --filter attr=value   cluster only users whose attribute equals value; repeat for more conditions (AND)
  --algorithm NAME      KMEANS (default) or KMEANS_REFERENCE (ml-kmeans, slower)
  --url URL             the service's GraphQL endpoint (default: $SEGMENTQL_URL, else ${DEFAULT_URL})
  -h, --help            this text

environment:
  SEGMENTQL_URL         default for --url
  PORT                  port of the default URL when SEGMENTQL_URL is unset (4000)
  SEGMENTQL_API_KEY     an admin API key, needed when the service has keys (read from the environment so
                        it stays out of shell history and ps)

exit status: 0 when the run succeeded, 1 when it failed or was cancelled or the service refused, 2 for usage errors.
`;

const values = parseCliArgs(
  {
    url: { type: 'string', default: process.env.SEGMENTQL_URL ?? DEFAULT_URL },
    k: { type: 'string' },
    'k-min': { type: 'string' },
    'k-max': { type: 'string' },
    subsegments: { type: 'string' },
    seed: { type: 'string' },
    algorithm: { type: 'string' },
    filter: { type: 'string', multiple: true },
  },
  USAGE,
);

const int = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) usageError(`--${name} needs an integer, got "${value}"`, USAGE);
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
    if (at <= 0) usageError(`--filter needs attribute=value, got "${f}"`, USAGE);
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
    body: JSON.stringify({
      query: `mutation($input: ReclusterInput) { startSegmentationRun(input: $input) { run { id } userErrors { field code message } } }`,
      variables: { input },
    }),
  }).catch((error: unknown) => {
    throw new Error(`cannot reach ${values.url}: ${error instanceof Error ? error.message : String(error)} (is the service running? npm start)`);
  });
  const body = (await response.json()) as {
    data?: { startSegmentationRun: { run: { id: string } | null; userErrors: Array<{ code: string; message: string }> } | null };
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
  const payload = body.data!.startSegmentationRun!;
  if (payload.userErrors.length > 0) throw new Error(payload.userErrors.map((e) => `${e.code}: ${e.message}`).join('\n'));
  const runId = payload.run!.id;
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
