import { projectRun, type RunProjection } from './projection.js';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { badInput, conflict, notFound } from '../app/errors.js';
import { outsideRequestScope } from '../app/request-scope.js';
import { validateId } from '../app/validation.js';
import type { ProfileTextSource } from '../profiles/profile-texts.js';
import { USERS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import type { ActiveSegments } from './active-segments.js';
import type { WorkerMessage } from './clustering-job.js';
import { runMembershipChanges, type MembershipEvents } from './membership-events.js';
import type { MembershipRepository } from './membership-repository.js';
import { clusterPopulation } from './pipeline/cluster-step.js';
import { describeSegments } from './pipeline/describe-step.js';
import { profileTextsOfSample } from './pipeline/profile-text-step.js';
import { RunProgress } from './pipeline/run-progress.js';
import { DESCRIBE_MIN_PER_SEGMENT, topUpRows, topUpSample } from './pipeline/sample-top-up.js';
import { scrollPopulation } from './pipeline/scroll-step.js';
import { topCentroids, writeRun } from './pipeline/write-step.js';
import { populationFilter, validateRunRequest, type ReclusterRequest } from './run-request.js';
import { releaseMatrix } from './pipeline/release-matrix.js';
import { isTerminal, queuedRun, type SegmentationRun } from './run.js';
import type { RunRepository } from './run-repository.js';
import { assignSegmentKeys, childSegmentKey } from './segment-identity.js';
import type { SegmentKeyRepository } from './segment-key-repository.js';
import type { SegmentRepository, SegmentWithCentroid } from './segment-repository.js';
import { compareMemberships } from './stability.js';

export type { ReclusterRequest } from './run-request.js';
export { populationFilter } from './run-request.js';

/** Where run updates go (the GraphQL subscriptions, logs). */
export interface RunListener {
  runUpdated(run: SegmentationRun): void;
}

/** Which items users engaged with positively (for segment portraits). */
export interface EngagementSource {
  positiveEngagementsOf(userIds: readonly string[]): Map<string, string[]>;
}

export interface SegmentationOptions {
  defaultK: number;
  maxK: number;
  /** Widest automatic-k range (max − min + 1), since every k in it is clustered. */
  maxKRangeWidth: number;
  /** Memberships per SQLite transaction while a run writes (the event loop breathes between them). */
  writeBatchSize: number;
  /** Most users whose profiles are held to describe segments (see DESCRIBE_SAMPLE_SIZE). */
  describeSampleSize: number;
  /** Minimum time between progress events, in ms. */
  progressIntervalMs: number;
  /** Rows in the silhouette sample (automatic k and metrics). */
  silhouetteSampleSize: number;
  /** Runs before vectors are read, e.g. to bring queued profiles up to date. */
  beforeScroll?: () => Promise<void>;
}

const MAX_ITERATIONS = 100;

class RunCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * The run coordinator: claims runs, moves them through scroll -> cluster -> describe -> write
 * (each step a unit in ./pipeline), publishes their progress, and switches the active run.
 *
 * A run writes its segments and memberships under its own id; the active run pointer moves
 * only when a run succeeds, in the same transaction as its final status, so queries never see
 * a half-written run. One run at a time, claimed with compare-and-set in the database: a
 * second recluster while one is queued or running is refused (CONFLICT). A cancel is a
 * compare-and-set too, and every step stops at its next check of the run's abort signal.
 */
export class SegmentationService {
  private current: SegmentationRun | null = null;
  private abort: AbortController | null = null;
  private lastPublished = 0;
  /** The run being executed, so shutdown can wait for it before the database closes. */
  private executing: Promise<void> | null = null;

  constructor(
    private readonly store: VectorStore,
    private readonly runs: RunRepository,
    private readonly memberships: MembershipRepository,
    private readonly segments: SegmentRepository,
    private readonly active: ActiveSegments,
    private readonly engagements: EngagementSource,
    /** Profile texts of the describe sample (built on demand: user records do not hold them). */
    private readonly profileTexts: ProfileTextSource,
    private readonly listener: RunListener,
    private readonly options: SegmentationOptions,
    private readonly logger: Logger,
    /** Stable keys and membership events (see segment-identity.ts, membership-events.ts). */
    private readonly identity: { keys: SegmentKeyRepository; events: MembershipEvents },
  ) {}

  /** Marks runs a previous process left unfinished as FAILED (their segments removed) and loads the active centroids. */
  async start(): Promise<void> {
    for (const run of this.runs.unfinished()) {
      this.runs.finish({ ...run, status: 'FAILED', error: 'interrupted: the service stopped before the run finished', finishedAt: new Date() });
      await this.segments.deleteRun(run.id);
      this.logger.warn({ runId: run.id }, 'marked an interrupted segmentation run as failed');
    }
    // Memberships of runs that never succeeded (interrupted before their switch) go.
    this.memberships.retainRuns(this.memberships.runIds().filter((id) => this.runs.get(id)?.status === 'SUCCEEDED'));
    await this.active.reload();
  }

  async recluster(input: ReclusterRequest): Promise<SegmentationRun> {
    if (this.current && !isTerminal(this.current.status)) {
      throw conflict(`segmentation run ${this.current.id} is still ${this.current.status}; wait for it or cancel it`, {
        runId: this.current.id,
      });
    }
    const request = validateRunRequest(input, this.options);
    const population = await this.store.count(USERS, populationFilter(request.filter));
    if (population < 2) {
      throw badInput(`there are ${population} users${request.filter.length ? ' matching the filter' : ''}; at least 2 are needed to segment`);
    }
    if (request.k !== null && request.k > population) throw badInput(`k = ${request.k} exceeds the number of users (${population})`);
    if (request.kRange && request.kRange.min >= population) {
      throw badInput(`kRange.min = ${request.kRange.min} must be below the number of users (${population})`);
    }
    const run = queuedRun(
      `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      request,
      request.k ?? (request.kRange ? null : Math.min(this.options.defaultK, population)),
    );
    // Claimed in the database, not only in memory: of two concurrent reclusters exactly one proceeds.
    if (!this.runs.claim(run)) {
      const other = this.runs.unfinished()[0];
      throw conflict(`segmentation run ${other?.id ?? ''} is still ${other?.status ?? 'running'}; wait for it or cancel it`.replace('  ', ' '), {
        runId: other?.id ?? null,
      });
    }
    this.current = run;
    this.abort = new AbortController();
    this.publish(run, true);
    // The work runs after the mutation has answered.
    const signal = this.abort.signal;
    // Outside the request's scope: the run must not be cancelled with the request, nor share its store budget.
    this.executing = outsideRequestScope(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.execute(run, signal));
    return run;
  }

  /** Stops a queued or running run; the previous segments keep answering. */
  cancel(id: string): SegmentationRun {
    validateId(id, 'id');
    const run = this.getRun(id);
    if (!run) throw notFound(`no segmentation run with id "${id}"`, { id });
    if (isTerminal(run.status)) throw conflict(`segmentation run ${id} has already ended (${run.status})`, { runId: id });
    const cancelled: SegmentationRun = { ...run, status: 'CANCELLED', error: 'cancelled by request', finishedAt: new Date() };
    // Compare-and-set: a run that became active a moment ago is never marked CANCELLED.
    if (!this.runs.finish(cancelled)) {
      const ended = this.runs.get(id);
      throw conflict(`segmentation run ${id} has already ended (${ended?.status ?? 'unknown'})`, { runId: id });
    }
    if (this.current?.id === id) {
      this.abort?.abort(new RunCancelled());
      this.current = cancelled;
    }
    this.publish(cancelled, true);
    return cancelled;
  }

  getRun(id: string): SegmentationRun | null {
    if (this.current?.id === id) return this.current;
    return this.runs.get(id);
  }

  listRuns(first: number): SegmentationRun[] {
    return this.runs.list(first).map((r) => (this.current?.id === r.id ? this.current : r));
  }

  /** A page of runs, newest first, after the run `afterId` (for the runs connection), and how many runs there are. */
  pageRuns(limit: number, afterId: string | null): { runs: SegmentationRun[]; totalCount: number } {
    const runs = this.runs.page(limit, afterId).map((r) => (this.current?.id === r.id ? this.current : r));
    return { runs, totalCount: this.runs.count() };
  }

  activeRunId(): string | null {
    return this.active.runId();
  }

  /** A run's 2-D projection (centroids and a seeded member sample); null when it has none. */
  projection(runId: string): RunProjection | null {
    return this.runs.projection(runId);
  }

  /** Stops a run in progress before shutdown (the next start marks it FAILED) and waits for it to let go. */
  async stop(): Promise<void> {
    this.abort?.abort(new RunCancelled());
    await this.executing?.catch(() => undefined);
  }

  private async execute(claimed: SegmentationRun, signal: AbortSignal): Promise<void> {
    if (this.current?.id !== claimed.id) return;
    const runId = claimed.id;
    const progress = new RunProgress(claimed, (run, force) => {
      // After a cancel the run's record belongs to cancel(): progress no longer overwrites it.
      if (signal.aborted) return;
      this.current = run;
      this.publish(run, force);
    });
    const checkCancelled = () => {
      if (signal.aborted) throw new RunCancelled();
    };
    const started = Date.now();
    const { request } = claimed;
    try {
      progress.phase('scrolling', 0, { status: 'RUNNING', startedAt: new Date() }, true);

      // 1. Scroll: the population's vectors into one matrix, and a sample of the users' own fields (profiles brought up to date first).
      await this.options.beforeScroll?.();
      checkCancelled();
      // Users erased from here on are kept out of this run's memberships (see MembershipRepository).
      const scrollStartedAt = Date.now();
      const population = await scrollPopulation(this.store, {
        filter: populationFilter(request.filter),
        sampleSize: this.options.describeSampleSize,
        seed: request.seed,
        signal,
        onPage: (rows, expected) => progress.phase('scrolling', rows / Math.max(1, expected), { userCount: rows }),
      });
      checkCancelled();
      const { ids, n, d } = population;
      if (n < 2) throw new Error(`there are ${n} users to segment; at least 2 are needed`);

      // 2. Cluster (and choose k, and measure) in a worker thread; the matrix moves there and back.
      const k = request.k ?? (request.kRange ? null : Math.min(this.options.defaultK, n));
      progress.phase('clustering', 0, { k, userCount: n }, true);
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'iteration') {
          const fraction = request.kRange ? 0.9 : message.iteration / MAX_ITERATIONS;
          progress.phase('clustering', fraction, { iteration: message.iteration, inertia: message.inertia });
        } else if (message.type === 'candidate') {
          const kCandidates = [...progress.run.kCandidates, { k: message.k, silhouette: message.silhouette, inertia: Number.NaN }];
          progress.phase('clustering', (0.9 * message.done) / message.total, { kCandidates });
        }
      };
      const clustered = await clusterPopulation(
        {
          data: population.matrix,
          n,
          d,
          k,
          kRange: request.kRange ? { min: request.kRange.min, max: Math.min(request.kRange.max, n - 1) } : null,
          seed: request.seed,
          algorithm: request.algorithm,
          subsegments: request.subsegments,
          silhouetteSampleSize: this.options.silhouetteSampleSize,
          maxIterations: MAX_ITERATIONS,
        },
        onMessage,
        signal,
      );
      checkCancelled();
      const { outcome } = clustered;
      const q = outcome.quality;
      progress.phase(
        'describing',
        0,
        {
          k: clustered.kept,
          iteration: outcome.iterations,
          inertia: q.inertia,
          kCandidates: outcome.kCandidates,
          metrics: { inertia: q.inertia, silhouette: q.silhouette, silhouetteSampleSize: q.silhouetteSampleSize, daviesBouldin: q.daviesBouldin, calinskiHarabasz: q.calinskiHarabasz, unrepresentedUsers: population.unrepresentedUsers },
        },
        true,
      );

      // 3. Describe: keywords, traits, top items from the sample (topped up so that small segments
      // are described from enough members, then given profile texts); sizes and centroids from everyone.
      const extra = topUpRows(ids, clustered.assignments, outcome.k, population.sample.rows, {
        minPerSegment: DESCRIBE_MIN_PER_SEGMENT,
        seed: request.seed,
        maxRows: this.options.describeSampleSize,
      });
      const sampledUsers = await topUpSample(this.store, ids, population.sample, extra);
      checkCancelled();
      const sample = await profileTextsOfSample(sampledUsers, ids, this.profileTexts, { signal });
      checkCancelled();
      const sampleIds = Array.from(sample.rows, (row) => ids[row]!);
      const engaged = this.engagements.positiveEngagementsOf(sampleIds);
      const segments = describeSegments({
        runId,
        n,
        d,
        clustered,
        sample: { ...sample, engaged: sampleIds.map((id) => engaged.get(id) ?? []) },
      });
      checkCancelled();

      // 4. Identity: each segment takes the key of the active run's segment it matches (or a new one).
      const replacedRunId = this.active.runId();
      const previousByUser = replacedRunId ? this.memberships.segmentByUser(replacedRunId) : new Map<string, number>();
      const previous = replacedRunId ? await this.previousIdentity(replacedRunId, d) : { keys: [], centroids: new Float32Array(0) };
      checkCancelled();
      const identity = assignSegmentKeys({
        previousKeys: previous.keys,
        previousCentroids: previous.centroids,
        previousByUser,
        ids,
        assignments: clustered.assignments,
        k: clustered.kept,
        centroids: topCentroids(segments, d),
        d,
      });
      const keyed = withKeys(segments, identity.keys);

      // 5. Write segments, then memberships under this run's id (invisible until the run is active).
      progress.phase('writing', 0, {}, true);
      await writeRun(
        { segments: this.segments, memberships: this.memberships },
        { runId, segments: keyed, ids, matrix: clustered.matrix, d, assignments: clustered.assignments, childOf: clustered.childOf },
        { batchSize: this.options.writeBatchSize, signal, onProgress: (fraction) => progress.phase('writing', fraction) },
      );
      checkCancelled();

      // 6. Compare with the run this one replaces, then switch: from here on every query answers from this run.
      let stability = null;
      if (replacedRunId) {
        stability = compareMemberships(replacedRunId, Int32Array.from(ids, (id) => previousByUser.get(id) ?? -1), clustered.assignments);
      }
      const finishedAt = new Date();
      const succeeded: SegmentationRun = {
        ...progress.run,
        status: 'SUCCEEDED',
        stability,
        changes: identity.changes,
        ...progress.phaseChanges('done'),
        finishedAt,
      };
      const changes = runMembershipChanges({
        runId,
        previousKeys: previous.keys,
        previousByUser,
        ids,
        assignments: clustered.assignments,
        keys: identity.keys,
        at: finishedAt,
      });
      // Status, active pointer, keys and the events' outbox rows change in one transaction, and only if the run was not cancelled meanwhile.
      // The plot's coordinates, from the matrix the run already has (README "Projection").
      const projection = projectRun({
        data: clustered.matrix,
        n,
        d,
        ids,
        assignments: clustered.assignments,
        centroids: topCentroids(segments, d),
        k: clustered.kept,
        seed: request.seed,
      });
      // The matrix's last use was the projection: its 4 bytes × users × dimensions go back now.
      releaseMatrix(clustered.matrix);
      checkCancelled();
      const activated = this.runs.activate(succeeded, () => {
        this.runs.saveProjection(runId, projection);
        this.memberships.removeErased(runId, scrollStartedAt);
        this.identity.keys.saveRun(runId, identity.keys);
        this.identity.events.record(changes);
      });
      if (!activated) throw new RunCancelled();
      // Clients hear SUCCEEDED only once queries answer from this run.
      await this.active.reload();
      this.current = succeeded;
      this.publish(succeeded, true);
      this.identity.events.announce(changes);
      this.retire(runId, replacedRunId);
      this.logger.info({ runId, users: n, k: clustered.kept, ms: Date.now() - started }, 'segmentation run succeeded');
    } catch (error) {
      if (error instanceof RunCancelled || signal.aborted) {
        this.logger.info({ runId }, 'segmentation run cancelled');
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error({ runId, err: error }, 'segmentation run failed');
        const failed: SegmentationRun = { ...progress.run, status: 'FAILED', error: message, finishedAt: new Date() };
        if (this.runs.finish(failed)) {
          this.current = failed;
          this.publish(failed, true);
        }
      }
      if (this.runs.activeRunId() !== runId) {
        this.memberships.dropRun(runId);
        await this.segments.deleteRun(runId).catch(() => undefined);
      }
    }
  }

  /** Keys (by index) and unit centroids of the replaced run's top-level segments. */
  private async previousIdentity(runId: string, d: number): Promise<{ keys: string[]; centroids: Float32Array }> {
    const top = (await this.segments.withCentroids(runId)).filter((s) => s.segment.level === 0);
    const stored = this.identity.keys.keysOf(runId);
    const keys: string[] = [];
    for (const s of top) keys[s.segment.index] = stored[s.segment.index] ?? s.segment.key;
    return { keys: Array.from({ length: keys.length }, (_, i) => keys[i] ?? `${runId}:${i}`), centroids: topCentroids(top, d) };
  }

  /** Saves progress (an ended run is saved by finish/activate, never overwritten here) and tells listeners. */
  private publish(run: SegmentationRun, force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastPublished < this.options.progressIntervalMs) return;
    this.lastPublished = now;
    if (!isTerminal(run.status) && !this.runs.saveProgress(run)) return;
    this.listener.runUpdated(run);
  }

  /**
   * After a switch: memberships of runs older than the one just replaced go. The replaced
   * run's stay until the next switch, so a query that began before this one still reads a
   * whole run, and its segments can still be paged by id.
   */
  private retire(activeRunId: string, replacedRunId: string | null): void {
    try {
      this.memberships.retainRuns(replacedRunId ? [activeRunId, replacedRunId] : [activeRunId]);
      this.memberships.pruneErased();
    } catch (error) {
      this.logger.warn({ err: error }, 'removing the memberships of replaced runs failed; retried after the next run');
    }
  }
}

/** The run's segments with their stable keys (subsegments: the parent's key and their index). */
function withKeys(segments: readonly SegmentWithCentroid[], keys: readonly string[]): SegmentWithCentroid[] {
  const parentIndex = (parentId: string) => Number(parentId.slice(parentId.lastIndexOf(':') + 1));
  return segments.map((s) => {
    const key =
      s.segment.level === 0 ? keys[s.segment.index]! : childSegmentKey(keys[parentIndex(s.segment.parentId!)]!, s.segment.index);
    return { ...s, segment: { ...s.segment, key } };
  });
}
