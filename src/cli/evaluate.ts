/**
 * `npm run eval -- --dataset ../shared/datasets/movielens-100k` — the offline evaluation.
 *
 * Loads MovieLens 100k (ua split), runs the in-memory baselines, then ingests ua.base into a
 * throw-away instance of the service (real pipeline: embedding, profiles, store, segmentation),
 * reclusters, and asks the service for every strategy's top 10 for each user with a liked
 * held-out item. Prints one table and writes the same as JSON (--out).
 *
 * Flags: --dataset DIR, --out FILE, --k N | --k-min A --k-max B (segments), --seed N,
 * --users N (first N eligible users only), --strategies a,b (see --help), --top N (list length),
 * --validation-only (tune, print every validation score, never evaluate the test part).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../app/config.js';
import { parseCliArgs, usageError } from './cli-args.js';
import { createApp, type App } from '../app/create-app.js';
import { EaseRanker, ItemGraphRanker, PopularityRanker, RandomRanker, TrendingPopularityRanker, UserKnnRanker, type Ranker } from '../evaluation/baselines.js';
import { pairedBootstrap, type DifferenceInterval } from '../evaluation/bootstrap.js';
import { activityRanker, buildAudienceSet, evaluateAudience, formatAudienceTable, type AudienceEvaluationSet, type AudienceRow } from '../evaluation/audience.js';
import type { AudienceWeights } from '../audience/audience-scoring.js';
import { loadMovieLens, MovieLensFormatError, type MovieLensData, type MovieLensRating } from '../evaluation/movielens.js';
import { SPLITS, testSplit, validationSplit, type Split, type SplitProtocol } from '../evaluation/splits.js';
import { formatDuration, PhaseProgress } from '../evaluation/progress.js';
import { buildSplitEvaluationSet, evaluateRecommender, type EvaluationRow, type EvaluationSet } from '../evaluation/protocol.js';
import { formatTable } from '../evaluation/report.js';
import type { Strategy } from '../recommendation/recommendation.js';
import type { BlendSettings } from '../recommendation/recommendation-service.js';
import type { SegmentationRun } from '../segmentation/run.js';

interface BaselineSpec {
  id: string;
  kind: 'baseline';
  /** Candidate configurations (at most TUNING_BUDGET); the one best on validation is refitted on the whole training part. */
  grid: Array<(train: MovieLensRating[], set: EvaluationSet, seed: number) => Ranker>;
}

/** Configurations every tuned recommender may try on validation (the same budget for all). */
const TUNING_BUDGET = 5;
interface ServiceSpec {
  id: string;
  kind: 'service';
  name: string;
  strategy: Strategy;
  useSegments: boolean;
}

/** Half-lives (days) the trending baseline tries on validation; the service gets the chosen one. */
const TRENDING_HALF_LIVES = [3, 10, 30, 100, 300];
/** EASE's λ on validation: the baseline's and the service's (the same values and budget). */
const EASE_LAMBDAS = [150, 300, 500, 1000, 2000];

const BASELINES: BaselineSpec[] = [
  { id: 'random', kind: 'baseline', grid: [(_, set, seed) => new RandomRanker(set.catalogue, set.history, seed)] },
  // Every training rating counts: this variant gives NDCG@10 = 0.133 on ua (ratings ≥ 4 only: 0.127).
  { id: 'popularity', kind: 'baseline', grid: [(train, set) => new PopularityRanker(train, set.history, set.catalogue)] },
  // The service's time-aware popularity; the half-life chosen here is also the service's (RECOMMEND_POPULARITY_HALF_LIFE_DAYS).
  {
    id: 'trending',
    kind: 'baseline',
    grid: TRENDING_HALF_LIVES.map((halfLifeDays) => (train: MovieLensRating[], set: EvaluationSet) => new TrendingPopularityRanker(train, set.history, { halfLifeDays })),
  },
  // Grids ending at a value validation chose (cold start: 200 neighbours, λ 1000) were widened once by a step.
  { id: 'item-knn', kind: 'baseline', grid: [25, 50, 100, 200, 400].map((k) => (train: MovieLensRating[]) => new ItemGraphRanker(train, { method: 'COSINE', neighbours: k })) },
  { id: 'user-knn', kind: 'baseline', grid: [25, 50, 100, 200, 400].map((k) => (train: MovieLensRating[]) => new UserKnnRanker(train, { neighbours: k })) },
  {
    id: 'rp3beta',
    kind: 'baseline',
    grid: [
      [1, 0.5, 100],
      [1, 0.3, 100],
      [1, 0.7, 100],
      [0.8, 0.5, 200],
      [1, 0.5, 50],
    ].map(([alpha, beta, neighbours]) => (train: MovieLensRating[]) => new ItemGraphRanker(train, { method: 'RP3BETA', alpha, beta, neighbours: neighbours! })),
  },
  { id: 'ease', kind: 'baseline', grid: EASE_LAMBDAS.map((lambda) => (train: MovieLensRating[]) => new EaseRanker(train, { lambda })) },
];
const SERVICE: ServiceSpec[] = [
  { id: 'POPULAR', kind: 'service', name: 'POPULAR', strategy: 'POPULAR', useSegments: true },
  { id: 'SEGMENT_POPULAR', kind: 'service', name: 'SEGMENT_POPULAR', strategy: 'SEGMENT_POPULAR', useSegments: true },
  { id: 'SIMILAR_USERS', kind: 'service', name: 'SIMILAR_USERS', strategy: 'SIMILAR_USERS', useSegments: true },
  { id: 'CONTENT', kind: 'service', name: 'CONTENT', strategy: 'CONTENT', useSegments: true },
  { id: 'COLLABORATIVE', kind: 'service', name: 'COLLABORATIVE', strategy: 'COLLABORATIVE', useSegments: true },
  { id: 'BLENDED', kind: 'service', name: 'BLENDED', strategy: 'BLENDED', useSegments: true },
  { id: 'BLENDED_NO_SEGMENTS', kind: 'service', name: 'BLENDED without segments', strategy: 'BLENDED', useSegments: false },
];
const ALL = [...BASELINES, ...SERVICE];

/**
 * The service's blend settings tried on validation (the same budget as every baseline); BLENDED
 * with and without segments each keep the best of them for the test run.
 */
const BLEND_GRID: Array<{ name: string; settings: BlendSettings }> = [
  // (prior weight, sparse-user prior weight, h, CONTENT weight); COLLABORATIVE 1. The prior's
  // weight relative to COLLABORATIVE is prior + sparse × h / (h + n) for a user with n items:
  // at n = 3 about 0, 0.09, 1.5, 5 and 15; at n = 60 about 0, 0.02, 0.16, 0.5 and 1.5. (A first
  // grid ended at (0.02, 10, 3, 0.3) and cold-start validation chose that edge: widened once.)
  [0, 0, 10, 0],
  [0.01, 0.1, 10, 0],
  [0.02, 3, 3, 0.1],
  [0.02, 10, 3, 0.3],
  [0.05, 30, 3, 1],
].map(([prior, sparse, history, content]) => ({
  name: `prior ${prior}, sparse users ${sparse} (h ${history}), content ${content}`,
  settings: {
    blendWeights: { COLLABORATIVE: 1, SIMILAR_USERS: 0, SEGMENT_POPULAR: prior!, CONTENT: content!, POPULAR: 0 },
    sparseUserPopularWeight: sparse!,
    sparseHistory: history!,
  },
}));

/**
 * Audience weights tried on validation (the same budget as every baseline); the best is scored
 * once on the test part. COLLABORATIVE leads: it is the strongest evidence on MovieLens; activity
 * lowered validation recall in every blend tried while the grid was chosen (validation only).
 */
const AUDIENCE_GRID: Array<{ name: string; weights: AudienceWeights }> = [
  [1, 0, 0, 0],
  [1, 0.1, 0.1, 0],
  [1, 0.2, 0.1, 0],
  [1, 0.15, 0.15, 0],
  [1, 0.1, 0.1, 0.1],
].map(([c, s, g, a]) => ({
  name: `collaborative ${c}, similarity ${s}, segment ${g}, activity ${a}`,
  weights: { COLLABORATIVE: c!, SIMILARITY: s!, SEGMENT: g!, ACTIVITY: a! },
}));
/** Rankings by one kind of evidence, reported beside the tuned blend (not tuned). */
const AUDIENCE_SINGLE: Array<{ name: string; weights: AudienceWeights }> = [
  // The popularity-of-segment baseline: the user's segment's lift, ties (a segment) by activity.
  { name: 'segment lift, then activity', weights: { COLLABORATIVE: 0, SIMILARITY: 0, SEGMENT: 1, ACTIVITY: 1e-3 } },
  { name: 'profile similarity only', weights: { COLLABORATIVE: 0, SIMILARITY: 1, SEGMENT: 0, ACTIVITY: 0 } },
  { name: 'collaborative only', weights: { COLLABORATIVE: 1, SIMILARITY: 0, SEGMENT: 0, ACTIVITY: 0 } },
];

const USAGE = `usage: npm run eval -- [--dataset DIR] [--split ua|random|temporal|coldstart] [--out FILE]
                     [--k N | --k-min A --k-max B] [--seed N] [--users N] [--validation-users N]
                     [--strategies a,b,...] [--top N]

  --split P         ua: the stock ua.base/ua.test; random: a seeded per-user 80/20 of u.data;
                    temporal: each user's last 20 % by time; coldstart: a seeded fifth of the users
                    keep only their first 3 ratings and are the only ones scored (default ua).
                    Baselines are tuned on a validation split carved from the training part with
                    the same protocol (${TUNING_BUDGET} configurations each), then scored once on the test part.
  --validation-users N  users scored per validation run (seeded sample; default 400)

  --dataset DIR     MovieLens 100k folder (u.item, u.user, u.genre, ua.base, ua.test);
                    default ../shared/datasets/movielens-100k
  --out FILE        JSON results; default eval-results/movielens-100k.json
  --k N             segments for the recluster (default 20); or --k-min/--k-max to choose k
  --seed N          seed of the recluster and of the random baseline (default 1)
  --users N         evaluate only the first N eligible users (quick runs; ingest is unchanged)
  --strategies LIST comma-separated, any of: ${ALL.map((s) => s.id).join(', ')}
                    (default: all). Baselines only: the service is not started.
  --top N           length of the evaluated lists (default 10)
  --no-service-tuning  skip tuning the service's blend on validation (quick runs; defaults are used)
  --validation-only stop after tuning on validation (the test part is not looked at)
  --audience-items N  items sampled (seeded) for the audience evaluation, recall@100 of each item's
                    held-out raters ≥ 4 among all users (default 300; validation uses as many)
  --no-audience     skip the audience evaluation
  -h, --help        this text

environment: the service's configuration variables apply to the service under test (README,
Configuration), e.g. MODELS_DIR, EMBEDDING_MODEL, INTERACTION_WEIGHTS, RECOMMEND_BLEND_WEIGHTS; its data
goes to a temporary directory, whatever DATA_DIR says.

exit status: 0 on success, 1 when the evaluation fails (e.g. a malformed dataset), 2 for usage errors.
`;

function fail(message: string): never {
  usageError(message, USAGE);
}

function intFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} needs an integer ≥ ${min}, got "${value}"`);
  return n;
}

const values = parseCliArgs(
  {
    dataset: { type: 'string', default: '../shared/datasets/movielens-100k' },
    split: { type: 'string', default: 'ua' },
    'validation-users': { type: 'string' },
    out: { type: 'string', default: 'eval-results/movielens-100k.json' },
    k: { type: 'string' },
    'k-min': { type: 'string' },
    'k-max': { type: 'string' },
    seed: { type: 'string' },
    users: { type: 'string' },
    strategies: { type: 'string' },
    top: { type: 'string' },
    'no-service-tuning': { type: 'boolean' },
    'validation-only': { type: 'boolean' },
    'audience-items': { type: 'string' },
    'no-audience': { type: 'boolean' },
  },
  USAGE,
);

const datasetDir = path.resolve(values.dataset);
if (!(SPLITS as readonly string[]).includes(values.split)) fail(`--split must be one of ${SPLITS.join(', ')}, got "${values.split}"`);
const protocol = values.split as SplitProtocol;
const outFile = path.resolve(values.out === 'eval-results/movielens-100k.json' && protocol !== 'ua' ? `eval-results/movielens-100k-${protocol}.json` : values.out);
const top = intFlag('top', values.top, 1) ?? 10;
const seed = intFlag('seed', values.seed, 0) ?? 1;
const maxUsers = intFlag('users', values.users, 1);
const validationOnly = values['validation-only'] === true;
const audienceItems = intFlag('audience-items', values['audience-items'], 1) ?? 300;
const validationUsers = intFlag('validation-users', values['validation-users'], 10) ?? 400;
const kRange =
  values['k-min'] !== undefined || values['k-max'] !== undefined
    ? { min: intFlag('k-min', values['k-min'] ?? '2', 2)!, max: intFlag('k-max', values['k-max'] ?? '12', 2)! }
    : null;
if (kRange && values.k !== undefined) fail('give either --k or --k-min/--k-max, not both');
const segmentsK = kRange ? null : (intFlag('k', values.k, 2) ?? 20);

const selected = (() => {
  if (!values.strategies) return ALL;
  const wanted = values.strategies.split(',').map((s) => s.trim()).filter(Boolean);
  const byId = new Map(ALL.map((s) => [s.id.toLowerCase(), s]));
  const unknown = wanted.filter((w) => !byId.has(w.toLowerCase()));
  if (unknown.length > 0) fail(`unknown strategies: ${unknown.join(', ')}; choose from ${ALL.map((s) => s.id).join(', ')}`);
  return ALL.filter((s) => wanted.some((w) => w.toLowerCase() === s.id.toLowerCase()));
})();
const baselines = selected.filter((s): s is BaselineSpec => s.kind === 'baseline');
const serviceStrategies = selected.filter((s): s is ServiceSpec => s.kind === 'service');

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for the promise, but at most ms (the timer also keeps the process alive meanwhile). */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Removing the temporary service on Ctrl-C as well: the first signal freezes the evaluation
 * (its next step never resolves), closes the service and deletes the data. Apollo Server
 * re-raises the signal once it has stopped, so a repeat within 2 s is ignored; a later one
 * (an impatient second Ctrl-C) exits at once.
 */
let cleanup: (() => Promise<void>) | null = null;
let interruptedAt: number | null = null;
const frozen = new Promise<never>(() => undefined);
/** Awaited between steps: never returns once interrupted, so nothing touches a closing store. */
const checkpoint = (): Promise<void> => (interruptedAt !== null ? frozen : Promise.resolve());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interruptedAt !== null) {
      if (Date.now() - interruptedAt > 2000) process.exit(130);
      return;
    }
    interruptedAt = Date.now();
    process.stderr.write(`\n${signal}: stopping and removing the temporary data\n`);
    void (cleanup ?? (() => Promise.resolve()))()
      .catch((error: unknown) => process.stderr.write(`cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`))
      .finally(() => process.exit(130));
  });
}

interface ServiceReport {
  dataDir: string;
  ingestMs: { items: number; users: number; interactions: number; total: number };
  recluster: {
    ms: number;
    runId: string;
    requested: { k: number | null; kRange: { min: number; max: number } | null; seed: number };
    k: number | null;
    silhouette: number | null;
    segmentSizes: number[];
    timings: SegmentationRun['timings'];
  };
}

/** The audience part of a service run: tune (validation) tries AUDIENCE_GRID; otherwise the chosen weights and the single-evidence rankings are scored. */
interface AudienceRun {
  set: AudienceEvaluationSet;
  tune: boolean;
  chosen: AudienceWeights | null;
  rows: AudienceRow[];
  tried: Array<{ name: string; recall: number }>;
}

interface ServiceTuning {
  /** Per BLENDED variant (with / without segments): every setting tried on validation, and the chosen one. */
  variants: Array<{ variant: string; tried: Array<{ name: string; ndcg: number }>; chosen: string }>;
  /** The service's EASE λ, tuned on COLLABORATIVE before the blend. */
  easeLambda?: { tried: Array<{ name: string; ndcg: number }>; chosen: number };
}

/**
 * Runs the service on `train` and evaluates `set`. With `tune`, the set is the validation set:
 * only BLENDED (with and without segments) is evaluated, once per BLEND_GRID entry, and the
 * best entry per variant is returned; otherwise every selected strategy is evaluated once, with
 * the settings `chosen` on validation.
 */
async function runService(
  data: MovieLensData,
  train: MovieLensRating[],
  set: EvaluationSet,
  progress: PhaseProgress,
  rows: EvaluationRow[],
  mode: { tune: true; blend: boolean } | { tune: false; chosen: Map<boolean, BlendSettings>; easeLambda: number | null },
  tuning: ServiceTuning = { variants: [] },
  audience: AudienceRun | null = null,
  popularityHalfLifeDays: number | null = null,
): Promise<ServiceReport> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'segmentql-eval-'));
  let app: App | null = null;
  let cleaning: Promise<void> | null = null;
  cleanup = () =>
    (cleaning ??= (async () => {
      // On a signal Apollo Server stops itself too, and app.close() can then wait forever:
      // the temporary data is removed either way.
      if (app) await settleWithin(app.close().catch(() => undefined), 5000);
      await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    })());
  try {
    progress.start('starting the service');
    const maxBatch = 10_000;
    app = await createApp(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        MODELS_DIR: path.resolve('models'),
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        MAX_BATCH_SIZE: String(maxBatch),
        MAX_RESULT_LIMIT: '2000',
        // The corpus fit is applied once, after ingest (below), never by the timer mid-evaluation.
        CORPUS_FIT_CHECK_MS: '86400000',
        // Tuning knobs pass through from the environment (e.g. RECOMMEND_NEIGHBOURS=80, or CORPUS_FIT_MIN_DOCUMENTS=0 for no fit).
        ...Object.fromEntries(Object.entries(process.env).filter(([key]) => /^(RECOMMEND_|PROFILE_|INTERACTION_WEIGHTS|COLLABORATIVE_|CORPUS_)/.test(key))),
      }),
    );
    progress.end(`ready, data in ${dataDir}`);
    const recommender = app.services.recommendations;
    // Popularity's half-life is the trending baseline's choice on validation (one knob, tuned once).
    if (popularityHalfLifeDays !== null) recommender.tuneBlend({ popularityHalfLifeDays });
    // The replay's "now" for a user: their last training interaction (trending counts nothing later).
    const lastTrainingAt = new Map<string, number>();
    for (const r of train) lastTrainingAt.set(r.userId, Math.max(lastTrainingAt.get(r.userId) ?? -Infinity, r.at.getTime()));

    // Small batches for items and users so the bar moves while they are embedded.
    const ingest = async (what: string, total: number, batches: Array<() => Promise<unknown>>, sizes: number[]) => {
      progress.start(`ingesting ${total} ${what}`);
      let done = 0;
      for (const [i, batch] of batches.entries()) {
        await checkpoint();
        await batch();
        done += sizes[i]!;
        progress.update(done / total, `${done}/${total}`);
      }
      return progress.end(`${total} ${what}`);
    };
    const itemBatches = chunks(data.items, 200);
    const itemsMs = await ingest('items', data.items.length, itemBatches.map((b) => () => app!.services.items.upsert(b)), itemBatches.map((b) => b.length));
    const userBatches = chunks(data.users, 200);
    const usersMs = await ingest('users', data.users.length, userBatches.map((b) => () => app!.services.users.upsert(b)), userBatches.map((b) => b.length));
    const ratingBatches = chunks(train, Math.min(maxBatch, 5000));
    const interactionsMs = await ingest(
      `training ratings (${protocol})`,
      train.length,
      ratingBatches.map((b) => () => app!.services.interactions.record(b)),
      ratingBatches.map((b) => b.length),
    );

    // What the service's refit policy does with a corpus this size (README "Languages: the corpus fit").
    const corpusFit = app.services.corpusFit;
    if (corpusFit) {
      progress.start('corpus fit (refit policy)');
      const decision = await corpusFit.check();
      await corpusFit.idle();
      const { fitId, toReembed } = corpusFit.status();
      progress.end(fitId ? `fit ${fitId}, ${toReembed} records re-embedded` : `no fit: ${decision.reason}`);
    }

    progress.start(`reclustering (${kRange ? `k ${kRange.min}..${kRange.max}` : `k = ${segmentsK}`}, seed ${seed}; profiles are rebuilt first)`);
    const reclusterStarted = Date.now();
    const started = await app.services.segmentation.recluster({ k: segmentsK, kRange, seed });
    let run: SegmentationRun | null = started;
    while (run && run.status !== 'SUCCEEDED' && run.status !== 'FAILED' && run.status !== 'CANCELLED') {
      await sleep(200);
      await checkpoint();
      run = app.services.segmentation.getRun(started.id);
      if (run) {
        const detail = [run.phase, run.userCount !== null ? `${run.userCount} users` : null, run.k !== null ? `k=${run.k}` : null, run.iteration !== null ? `iteration ${run.iteration}` : null];
        progress.update(run.progress, detail.filter(Boolean).join(', '));
      }
    }
    if (!run || run.status !== 'SUCCEEDED') {
      progress.end(run?.status ?? 'lost');
      throw new Error(`segmentation run ${started.id} ${run?.status ?? 'disappeared'}${run?.error ? `: ${run.error}` : ''}`);
    }
    const segments = await app.services.segments.ofRun(run.id);
    const reclusterMs = progress.end(
      `k = ${run.k}, silhouette ${run.metrics?.silhouette.toFixed(3) ?? 'n/a'}, sizes ${segments.map((s) => s.size).join('/')}`,
    );

    progress.start('building the collaborative model');
    await recommender.refreshModel();
    const model = recommender.modelInfo();
    progress.end(model ? `${model.method}, ${model.items} items` : 'none');

    const evaluateSpec = async (spec: ServiceSpec, name: string) => {
      const recommend = async (userId: string, k: number) => {
        await checkpoint();
        const asOfMs = lastTrainingAt.get(userId);
        const recommendations = await recommender.recommend(userId, {
          limit: k,
          strategy: spec.strategy,
          useSegments: spec.useSegments,
          ...(asOfMs !== undefined ? { asOf: new Date(asOfMs) } : {}),
        });
        return recommendations.map((r) => r.item.id);
      };
      // One untimed call first, so building derived indexes is not charged to the first user.
      await recommend(set.users[0]!, top).catch(() => undefined);
      return evaluateWithProgress(name, 'service', recommend, set, progress);
    };
    if (mode.tune) {
      if (mode.blend) {
        // The service's EASE λ first, on COLLABORATIVE alone, with the EASE baseline's budget and values.
        const collaborativeSpec: ServiceSpec = { id: 'COLLABORATIVE', kind: 'service', name: 'COLLABORATIVE', strategy: 'COLLABORATIVE', useSegments: true };
        const tried: Array<{ name: string; ndcg: number }> = [];
        for (const lambda of EASE_LAMBDAS) {
          recommender.tuneCollaborative({ easeLambda: lambda });
          await recommender.refreshModel();
          tried.push({ name: `λ ${lambda}`, ndcg: (await evaluateSpec(collaborativeSpec, `COLLABORATIVE [validation: λ ${lambda}]`)).ndcg });
        }
        const best = tried.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
        const lambda = EASE_LAMBDAS[tried.indexOf(best)]!;
        tuning.easeLambda = { tried, chosen: lambda };
        recommender.tuneCollaborative({ easeLambda: lambda });
        await recommender.refreshModel();
      }
      for (const spec of mode.blend ? serviceStrategies.filter((s) => s.strategy === 'BLENDED') : []) {
        const tried: Array<{ name: string; ndcg: number }> = [];
        for (const candidate of BLEND_GRID) {
          recommender.tuneBlend(candidate.settings);
          tried.push({ name: candidate.name, ndcg: (await evaluateSpec(spec, `${spec.name} [validation: ${candidate.name}]`)).ndcg });
        }
        const best = tried.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
        tuning.variants.push({ variant: spec.name, tried, chosen: best.name });
      }
    } else {
      if (mode.easeLambda !== null) {
        recommender.tuneCollaborative({ easeLambda: mode.easeLambda });
        await recommender.refreshModel();
      }
      for (const spec of serviceStrategies) {
        const chosen = mode.chosen.get(spec.useSegments);
        if (chosen) recommender.tuneBlend(chosen);
        rows.push(await evaluateSpec(spec, spec.name));
      }
    }
    if (audience) await runAudience(app, audience, progress);
    return {
      dataDir,
      ingestMs: { items: itemsMs, users: usersMs, interactions: interactionsMs, total: itemsMs + usersMs + interactionsMs },
      recluster: {
        ms: reclusterMs,
        runId: run.id,
        requested: { k: segmentsK, kRange, seed },
        k: run.k,
        silhouette: run.metrics?.silhouette ?? null,
        segmentSizes: segments.map((s) => s.size),
        timings: run.timings,
      },
    };
  } finally {
    await checkpoint();
    await cleanup();
    cleanup = null;
  }
}

/** Scores audiences for the set's items with the service's AudienceService, once per weight setting. */
async function runAudience(app: App, run: AudienceRun, progress: PhaseProgress): Promise<void> {
  const service = app.services.audience;
  const rank = async (itemId: string, k: number) => {
    await checkpoint();
    return (await service.audience({ itemIds: [itemId], first: k })).map((m) => m.user.id);
  };
  const score = async (name: string, weights: AudienceWeights) => {
    service.tuneWeights(weights);
    await rank(run.set.items[0]!, run.set.k).catch(() => undefined); // untimed: builds the history snapshot
    progress.start(`audience: ${name}`);
    const row = await evaluateAudience(name, rank, run.set, (done, total) => progress.update(done / total, `${done}/${total} items`));
    progress.end(`recall@${run.set.k} ${row.recall.toFixed(4)}, ${row.msPerItem.toFixed(1)} ms/item`);
    if (row.failures > 0) progress.note(`warning: audience ${name} failed for ${row.failures} items; first: ${row.firstError}`);
    if (row.ratersReturned > 0) progress.note(`warning: audience ${name} returned ${row.ratersReturned} users who rated the item in training`);
    return row;
  };
  if (run.tune) {
    for (const candidate of AUDIENCE_GRID) run.tried.push({ name: candidate.name, recall: (await score(`${candidate.name} [validation]`, candidate.weights)).recall });
    return;
  }
  const chosen = run.chosen ?? AUDIENCE_GRID[2]!.weights;
  run.rows.push(await score(`service blend (${AUDIENCE_GRID.find((g) => g.weights === chosen)?.name ?? 'chosen on validation'})`, chosen));
  for (const single of AUDIENCE_SINGLE) run.rows.push(await score(single.name, single.weights));
}

async function evaluateWithProgress(
  name: string,
  kind: EvaluationRow['kind'],
  recommend: (userId: string, k: number) => string[] | Promise<string[]>,
  set: EvaluationSet,
  progress: PhaseProgress,
): Promise<EvaluationRow> {
  progress.start(`evaluating ${name}`);
  const row = await evaluateRecommender(name, kind, recommend, set, top, (done, total) => progress.update(done / total, `${done}/${total} users`));
  progress.end(`NDCG@${top} ${row.ndcg.toFixed(4)}, ${row.msPerUser.toFixed(2)} ms/user`);
  if (row.failures > 0) progress.note(`warning: ${name} failed for ${row.failures} users (scored as empty lists); first: ${row.firstError}`);
  if (row.seenReturned > 0) progress.note(`warning: ${name} returned ${row.seenReturned} items from users' training history (dropped before scoring)`);
  return row;
}

interface TunedRow {
  id: string;
  chosen: string;
  chosenIndex: number;
  validation: Array<{ name: string; ndcg: number }>;
}

/** Tunes each baseline on validation (best NDCG), refits the winner on the whole training part, scores the test set once. */
async function tunedBaselines(
  data: MovieLensData,
  split: Split,
  set: EvaluationSet,
  progress: PhaseProgress,
  rows: EvaluationRow[],
): Promise<TunedRow[]> {
  const catalogue = data.items.map((i) => i.id);
  const validation = validationSplit(split.train, protocol, seed);
  const validationSet = buildSplitEvaluationSet(validation.train, validation.test, catalogue, {
    scored: validation.scored,
    maxUsers: validationUsers,
    sampleSeed: seed,
  });
  progress.note(`validation (${protocol} protocol on the training part): ${validation.train.length} ratings to fit, ${validationSet.users.length} users scored`);
  const tuned: TunedRow[] = [];
  for (const spec of baselines) {
    if (spec.grid.length > TUNING_BUDGET) throw new Error(`${spec.id} has more configurations than the tuning budget`);
    let bestIndex = 0;
    const tried: TunedRow['validation'] = [];
    if (spec.grid.length > 1 || validationOnly) {
      for (const [index, make] of spec.grid.entries()) {
        const ranker = make(validation.train, validationSet, seed);
        const row = await evaluateWithProgress(`${ranker.name} [validation]`, 'baseline', (u, k) => ranker.rank(u, k), validationSet, progress);
        tried.push({ name: ranker.name, ndcg: row.ndcg });
        if (row.ndcg > tried[bestIndex]!.ndcg) bestIndex = index;
      }
    }
    if (validationOnly) {
      tuned.push({ id: spec.id, chosen: tried[bestIndex]!.name, chosenIndex: bestIndex, validation: tried });
      continue;
    }
    const ranker = spec.grid[bestIndex]!(split.train, set, seed);
    rows.push(await evaluateWithProgress(ranker.name, 'baseline', (u, k) => ranker.rank(u, k), set, progress));
    tuned.push({ id: spec.id, chosen: ranker.name, chosenIndex: bestIndex, validation: tried });
  }
  return tuned;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const progress = new PhaseProgress();
  progress.start(`loading ${datasetDir}`);
  const data = await loadMovieLens(datasetDir);
  const split = testSplit(data, protocol, seed);
  const set = buildSplitEvaluationSet(split.train, split.test, data.items.map((i) => i.id), { maxUsers, scored: split.scored });
  const loadMs = progress.end(
    `${data.users.length} users, ${data.items.length} items; ${protocol} split: ${split.train.length} training and ${split.test.length} held-out ratings; ` +
      `${set.users.length} of ${set.eligibleUsers} eligible users evaluated`,
  );

  const rows: EvaluationRow[] = [];
  const tuning = await tunedBaselines(data, split, set, progress, rows);
  const trendingTuned = tuning.find((t) => t.id === 'trending');
  const halfLife = trendingTuned ? TRENDING_HALF_LIVES[trendingTuned.chosenIndex]! : null;
  // The service's blend is tuned like the baselines: on the validation split carved from the training part.
  const serviceTuning: ServiceTuning = { variants: [] };
  const chosen = new Map<boolean, BlendSettings>();
  const tuneBlend = serviceStrategies.some((s) => s.strategy === 'BLENDED') && !values['no-service-tuning'];
  const audienceOn = serviceStrategies.length > 0 && !values['no-audience'];
  const userIds = data.users.map((u) => u.id);
  let audienceChoice: { tried: AudienceRun['tried']; chosen: string } | null = null;
  let chosenAudience: AudienceWeights | null = null;
  if (tuneBlend || audienceOn) {
    const validation = validationSplit(split.train, protocol, seed);
    const validationSet = buildSplitEvaluationSet(validation.train, validation.test, data.items.map((i) => i.id), {
      scored: validation.scored,
      maxUsers: validationUsers,
      sampleSeed: seed,
    });
    const audienceTuning: AudienceRun | null = audienceOn
      ? { set: buildAudienceSet(validation.train, validation.test, userIds, { maxItems: audienceItems, seed }), tune: true, chosen: null, rows: [], tried: [] }
      : null;
    await runService(data, validation.train, validationSet, progress, [], { tune: true, blend: tuneBlend }, serviceTuning, audienceTuning, halfLife);
    if (audienceTuning && audienceTuning.tried.length > 0) {
      const best = audienceTuning.tried.reduce((a, b) => (b.recall > a.recall ? b : a));
      chosenAudience = AUDIENCE_GRID.find((g) => g.name === best.name)!.weights;
      audienceChoice = { tried: audienceTuning.tried, chosen: best.name };
      progress.note(`tuned on validation: audience → ${best.name}`);
    }
    for (const v of serviceTuning.variants) {
      const settings = BLEND_GRID.find((g) => g.name === v.chosen)!.settings;
      chosen.set(v.variant === 'BLENDED', settings);
      progress.note(`tuned on validation: ${v.variant} → ${v.chosen}`);
    }
  }
  if (validationOnly) {
    process.stdout.write(`\nMovieLens 100k, ${protocol} split, validation only (NDCG@${top}; the test part was not evaluated):\n`);
    const lambdaTuning = serviceTuning.easeLambda ? [{ variant: 'COLLABORATIVE (service EASE)', tried: serviceTuning.easeLambda.tried }] : [];
    for (const t of [...tuning.map((t) => ({ variant: t.id, tried: t.validation })), ...lambdaTuning, ...serviceTuning.variants]) {
      for (const tried of t.tried) process.stdout.write(`  ${t.variant}: ${tried.name}: ${tried.ndcg.toFixed(4)}\n`);
    }
    return;
  }
  const audienceSet = audienceOn ? buildAudienceSet(split.train, split.test, userIds, { maxItems: audienceItems, seed }) : null;
  const audienceRun: AudienceRun | null = audienceSet ? { set: audienceSet, tune: false, chosen: chosenAudience, rows: [], tried: [] } : null;
  const service = serviceStrategies.length > 0 ? await runService(data, split.train, set, progress, rows, { tune: false, chosen, easeLambda: serviceTuning.easeLambda?.chosen ?? null }, undefined, audienceRun, halfLife) : null;
  const audienceRows: AudienceRow[] = [];
  const audienceIntervals: Array<{ comparison: string } & DifferenceInterval> = [];
  if (audienceRun && audienceSet) {
    audienceRows.push(await evaluateAudience('most active users (baseline)', activityRanker(audienceSet), audienceSet), ...audienceRun.rows);
    const [activity, blend] = [audienceRows[0]!, audienceRows[1]];
    const single = (prefix: string) => audienceRows.find((r) => r.name.startsWith(prefix));
    for (const other of [activity, single('segment lift'), single('collaborative only')]) {
      if (blend && other) audienceIntervals.push({ comparison: `${blend.name} − ${other.name}`, ...pairedBootstrap(blend.perItemRecall, other.perItemRecall, { seed }) });
    }
  }

  // Paired bootstrap intervals for the differences the README claims.
  const byName = new Map(rows.map((r) => [r.name, r]));
  const blended = byName.get('BLENDED');
  const noSegments = byName.get('BLENDED without segments');
  const baselineRows = rows.filter((r) => r.kind === 'baseline' && r.name !== 'random');
  // The best baseline is the one best on the test set: the strictest comparison for BLENDED.
  const bestBaseline = baselineRows.sort((a, b) => b.ndcg - a.ndcg)[0];
  const intervals: Array<{ comparison: string } & DifferenceInterval> = [];
  const compare = (a: EvaluationRow | undefined, b: EvaluationRow | undefined) => {
    if (a && b) intervals.push({ comparison: `${a.name} − ${b.name}`, ...pairedBootstrap(a.perUserNdcg, b.perUserNdcg, { seed }) });
  };
  compare(blended, noSegments);
  compare(blended, bestBaseline);
  compare(byName.get('SEGMENT_POPULAR'), byName.get('POPULAR'));
  const popularity = byName.get('popularity');
  if (popularity && popularity !== bestBaseline) compare(blended, popularity);
  const trendingRow = rows.find((r) => r.kind === 'baseline' && r.name.startsWith('trending'));
  if (trendingRow && trendingRow !== bestBaseline) compare(blended, trendingRow);
  compare(byName.get('POPULAR'), popularity);

  process.stdout.write(
    `\nMovieLens 100k, ${protocol} split: ${set.users.length} users with a held-out rating ≥ ${set.minRating}` +
      `${split.scored ? ' (cold users only)' : ''}; top ${top} of the items not in their training history\n`,
  );
  for (const t of tuning) if (t.validation.length > 0) process.stdout.write(`tuned on validation: ${t.id} → ${t.chosen}\n`);
  if (serviceTuning.easeLambda) process.stdout.write(`tuned on validation: the service's EASE → λ ${serviceTuning.easeLambda.chosen}\n`);
  for (const v of serviceTuning.variants) process.stdout.write(`tuned on validation: ${v.variant} → ${v.chosen}\n`);
  if (service) {
    process.stdout.write(
      `service: ingest ${formatDuration(service.ingestMs.total)}, recluster ${formatDuration(service.recluster.ms)} (k = ${service.recluster.k})\n`,
    );
  }
  process.stdout.write(`\n${formatTable(rows, top)}`);
  if (intervals.length > 0) {
    process.stdout.write(`\nNDCG@${top} differences, paired bootstrap over users (2000 resamples), 95 % interval:\n`);
    for (const i of intervals) {
      process.stdout.write(`  ${i.comparison}: ${i.mean.toFixed(4)} [${i.low.toFixed(4)}, ${i.high.toFixed(4)}]${i.significant ? '' : ' (not significant)'}\n`);
    }
  }

  if (audienceSet && audienceRows.length > 0) {
    process.stdout.write(
      `\nAudiences: ${audienceSet.items.length} of ${audienceSet.eligibleItems} items with held-out ratings ≥ ${audienceSet.minRating} (seeded sample); ` +
        `recall@${audienceSet.k} of their held-out raters among all users who did not rate them in training\n`,
    );
    if (audienceChoice) process.stdout.write(`tuned on validation: audience → ${audienceChoice.chosen}\n`);
    process.stdout.write(`\n${formatAudienceTable(audienceRows, audienceSet.k)}`);
    if (audienceIntervals.length > 0) process.stdout.write(`\nrecall@${audienceSet.k} differences, paired bootstrap over items (2000 resamples), 95 % interval:\n`);
    for (const i of audienceIntervals) {
      process.stdout.write(`  ${i.comparison}: ${i.mean.toFixed(4)} [${i.low.toFixed(4)}, ${i.high.toFixed(4)}]${i.significant ? '' : ' (not significant)'}\n`);
    }
  }

  const report = {
    createdAt: startedAt.toISOString(),
    node: process.version,
    dataset: {
      name: 'MovieLens 100k',
      path: datasetDir,
      users: data.users.length,
      items: data.items.length,
      trainingRatings: split.train.length,
      heldOutRatings: split.test.length,
    },
    protocol: {
      split: protocol,
      seed,
      relevantMinRating: set.minRating,
      candidates: "every item not in the user's training history",
      listLength: top,
      eligibleUsers: set.eligibleUsers,
      evaluatedUsers: set.users.length,
      tuning: `each baseline tries at most ${TUNING_BUDGET} configurations on a validation split (the same protocol on the training part, seed + 7919, ${validationUsers} users scored); the best is refitted on the whole training part and scored once on the test part`,
      averaging: 'macro (every user weighs the same); MAP@k divides by min(k, relevant items); coverage = distinct items recommended / catalogue',
    },
    tuning,
    serviceTuning,
    intervals,
    timings: { loadMs, ...(service ? { ingestMs: service.ingestMs, reclusterMs: service.recluster.ms } : {}) },
    segmentation: service?.recluster ?? null,
    results: rows.map(({ perUserNdcg: _perUser, ...row }) => row),
    audience: audienceSet
      ? {
          items: audienceSet.items.length,
          eligibleItems: audienceSet.eligibleItems,
          k: audienceSet.k,
          tuning: audienceChoice,
          intervals: audienceIntervals,
          results: audienceRows.map(({ perItemRecall: _perItem, ...row }) => row),
        }
      : null,
  };
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(report, null, 2)}\n`);
  const relative = path.relative(process.cwd(), outFile);
  process.stdout.write(`\nwrote ${relative.startsWith('..') || path.isAbsolute(relative) ? outFile : relative}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const known = error instanceof MovieLensFormatError;
    process.stderr.write(`\n${error instanceof Error ? (known ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
    process.exit(1);
  },
);
