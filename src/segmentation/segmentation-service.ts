import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { badInput, conflict, notFound } from '../app/errors.js';
import { checkIdentifier, cleanFreeText } from '../app/text-rules.js';
import { outsideRequestScope } from '../app/request-scope.js';
import { validateId } from '../app/validation.js';
import type { LiveSegmentAssigner } from '../profiles/profile-service.js';
import { SEGMENTS, USERS } from '../store/collections.js';
import type { Filter, VectorStore } from '../store/port.js';
import { scrollAll } from '../store/scroll-all.js';
import { flattenAttributes } from '../users/user.js';
import type { Attributes } from '../app/validation.js';
import type { ClusteringAlgorithm, ClusteringOutcome, WorkerMessage } from './clustering-job.js';
import { classTfIdf, labelFromKeywords } from './keywords.js';
import { isTerminal, type AttributeCondition, type RunPhase, type RunRequest, type SegmentationRun } from './run.js';
import type { RunRepository } from './run-repository.js';
import { runClustering } from './run-clustering.js';
import type { MembershipRepository } from './membership-repository.js';
import { childSegmentId, parseSegmentId, segmentFromRecord, segmentId, segmentToPayload, type Segment, type SegmentRef } from './segment.js';
import { compareMemberships } from './stability.js';
import { topItemsPerCluster } from './top-items.js';
import { computeTraits } from './traits.js';
import { nearestCentroid, normalizedRow, orderClustersBySize } from './vector-math.js';

export interface ReclusterRequest {
  k?: number | null;
  kRange?: { min: number; max: number } | null;
  algorithm?: ClusteringAlgorithm | null;
  filter?: AttributeCondition[] | null;
  subsegments?: number | null;
  seed?: number | null;
}

/** Where run updates go (the GraphQL subscriptions, logs). */
export interface RunListener {
  runUpdated(run: SegmentationRun): void;
}

/** Which items each user engaged with positively (for segment portraits). */
export interface EngagementSource {
  positiveEngagements(): Map<string, string[]>;
}

export interface SegmentationOptions {
  defaultK: number;
  maxK: number;
  /** Widest automatic-k range (max − min + 1), since every k in it is clustered. */
  maxKRangeWidth: number;
  /** Users per page when scrolling vectors out of the store. */
  pageSize: number;
  /** Memberships per SQLite transaction while a run writes (the event loop breathes between them). */
  writeBatchSize: number;
  /** Minimum time between progress events, in ms. */
  progressIntervalMs: number;
  /** Rows in the silhouette sample (automatic k and metrics). */
  silhouetteSampleSize: number;
  /** Runs before vectors are read, e.g. to bring queued profiles up to date. */
  beforeScroll?: () => Promise<void>;
}

/** The phases' shares of the whole run, for one progress figure. */
const PHASE_SPAN: Record<RunPhase, [number, number]> = {
  queued: [0, 0],
  scrolling: [0, 0.25],
  clustering: [0.25, 0.75],
  describing: [0.75, 0.85],
  writing: [0.85, 1],
  done: [1, 1],
};
const MAX_ITERATIONS = 100;
const MAX_SUBSEGMENTS = 10;
const MAX_FILTER_CONDITIONS = 16;

interface CentroidSet {
  ids: string[];
  /** Row-major unit rows. */
  vectors: Float32Array;
  dimension: number;
}

interface ActiveRun {
  runId: string;
  filter: AttributeCondition[];
  top: CentroidSet;
  /** Children of each top-level segment id. */
  children: Map<string, CentroidSet>;
}

class RunCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Runs segmentations in the background and answers which segments are active.
 *
 * A run writes its segments and each user's membership under its own id; the active run
 * pointer moves only when a run succeeds, so queries never see a half-written run.
 * One run at a time: a second recluster while one is queued or running is refused (CONFLICT).
 */
export class SegmentationService implements LiveSegmentAssigner {
  private current: SegmentationRun | null = null;
  private abort: AbortController | null = null;
  private active: ActiveRun | null = null;
  private lastPublished = 0;
  /** The run being executed, so shutdown can wait for it before the database closes. */
  private executing: Promise<void> | null = null;

  constructor(
    private readonly store: VectorStore,
    private readonly runs: RunRepository,
    private readonly memberships: MembershipRepository,
    private readonly engagements: EngagementSource,
    private readonly listener: RunListener,
    private readonly options: SegmentationOptions,
    private readonly logger: Logger,
  ) {}

  /** Marks runs a previous process left unfinished as FAILED (their segments removed) and loads the active centroids. */
  async start(): Promise<void> {
    for (const run of this.runs.unfinished()) {
      this.runs.finish({ ...run, status: 'FAILED', error: 'interrupted: the service stopped before the run finished', finishedAt: new Date() });
      await this.store.delete(SEGMENTS, { filter: { must: [{ field: 'runId', eq: run.id }] } });
      this.logger.warn({ runId: run.id }, 'marked an interrupted segmentation run as failed');
    }
    // Memberships of runs that never succeeded (interrupted before their switch) go.
    this.memberships.retainRuns(this.memberships.runIds().filter((id) => this.runs.get(id)?.status === 'SUCCEEDED'));
    await this.loadActive();
  }

  async recluster(input: ReclusterRequest): Promise<SegmentationRun> {
    if (this.current && !isTerminal(this.current.status)) {
      throw conflict(`segmentation run ${this.current.id} is still ${this.current.status}; wait for it or cancel it`, {
        runId: this.current.id,
      });
    }
    const request = this.validate(input);
    const population = await this.store.count(USERS, populationFilter(request.filter));
    if (population < 2) {
      throw badInput(`there are ${population} users${request.filter.length ? ' matching the filter' : ''}; at least 2 are needed to segment`);
    }
    if (request.k !== null && request.k > population) throw badInput(`k = ${request.k} exceeds the number of users (${population})`);
    if (request.kRange && request.kRange.min >= population) {
      throw badInput(`kRange.min = ${request.kRange.min} must be below the number of users (${population})`);
    }
    const run: SegmentationRun = {
      id: `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      status: 'QUEUED',
      request,
      k: request.k ?? (request.kRange ? null : Math.min(this.options.defaultK, population)),
      phase: 'queued',
      progress: 0,
      userCount: null,
      iteration: null,
      inertia: null,
      kCandidates: [],
      metrics: null,
      stability: null,
      timings: [],
      error: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
    };
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
    this.executing = outsideRequestScope(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.execute(run.id, signal));
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
    return this.active?.runId ?? null;
  }

  /** The active run's top-level segments, largest first. */
  async activeSegments(): Promise<Segment[]> {
    const runId = this.activeRunId();
    return runId ? this.segmentsOfRun(runId) : [];
  }

  /** A run's segments at one level (0: top, 1: subsegments), in index order. */
  async segmentsOfRun(runId: string, level = 0): Promise<Segment[]> {
    const segments: Segment[] = [];
    for await (const record of scrollAll(this.store, SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] }, limit: 256 })) {
      segments.push(segmentFromRecord(record));
    }
    return segments.filter((s) => s.level === level).sort((a, b) => a.index - b.index);
  }

  async childrenOf(segment: Segment): Promise<Segment[]> {
    const page = await this.store.scroll(SEGMENTS, { filter: { must: [{ field: 'parentId', eq: segment.id }] }, limit: 256 });
    return page.records.map(segmentFromRecord).sort((a, b) => a.index - b.index);
  }

  async getSegment(id: string): Promise<Segment | null> {
    const [record] = await this.store.get(SEGMENTS, [id]);
    return record ? segmentFromRecord(record) : null;
  }

  /** Segments of any run by id, in one store call; unknown ids are left out. */
  async getSegments(ids: string[]): Promise<Segment[]> {
    return ids.length === 0 ? [] : (await this.store.get(SEGMENTS, ids)).map(segmentFromRecord);
  }

  async getSegmentWithCentroid(id: string): Promise<{ segment: Segment; centroid: Float32Array } | null> {
    const [record] = await this.store.get(SEGMENTS, [id], { withVector: true });
    return record?.vector ? { segment: segmentFromRecord(record), centroid: record.vector } : null;
  }

  /** Active top-level segments nearest to a vector, best first. */
  async nearestActiveSegments(vector: Float32Array, limit: number): Promise<Array<{ segment: Segment; score: number }>> {
    const runId = this.activeRunId();
    if (!runId) return [];
    const hits = await this.store.search(SEGMENTS, vector, { limit, filter: { must: [{ field: 'runId', eq: runId }, { field: 'parentId', isNull: true }] } });
    return hits.map((h) => ({ segment: segmentFromRecord(h), score: h.score }));
  }

  /** Users assigned live (nearest centroid) since the run finished: a hint that a new run is due. */
  liveAssignedSince(runId: string): number {
    return this.memberships.liveCount(runId);
  }

  /**
   * The nearest active segment (and subsegment) per vector; null when there is no active
   * run, or for users outside the active run's population filter.
   */
  nearestSegments(vectors: Float32Array[], attributes?: Attributes[]): Array<{ ref: SegmentRef; distance: number } | null> {
    const active = this.active;
    if (!active) return vectors.map(() => null);
    return vectors.map((v, i) => {
      if (attributes && !matchesFilter(attributes[i]!, active.filter)) return null;
      const top = nearest(active.top, v);
      if (!top) return null;
      const children = active.children.get(top.id);
      const child = children ? nearest(children, v) : null;
      const ref = parseSegmentId(child?.id ?? top.id)!;
      return { ref, distance: 1 - top.similarity };
    });
  }

  /**
   * Live assignment: users written since the active run get its nearest segment at once
   * (a membership row marked live); users who left its population lose their row.
   */
  assignLive(users: Array<{ id: string; vector: Float32Array; attributes: Attributes }>): void {
    const runId = this.activeRunId();
    if (!runId || users.length === 0) return;
    const placed = this.nearestSegments(users.map((u) => u.vector), users.map((u) => u.attributes));
    const entries: Array<{ userId: string; segment: number; child: number | null; distance: number }> = [];
    const outside: string[] = [];
    users.forEach((u, i) => {
      const p = placed[i];
      if (p) entries.push({ userId: u.id, segment: p.ref.index, child: p.ref.child, distance: p.distance });
      else outside.push(u.id);
    });
    this.memberships.assignLive(runId, entries);
    this.memberships.removeFromRun(runId, outside);
  }

  /** Stops a run in progress before shutdown (the next start marks it FAILED) and waits for it to let go. */
  async stop(): Promise<void> {
    this.abort?.abort(new RunCancelled());
    await this.executing?.catch(() => undefined);
  }

  private validate(input: ReclusterRequest): RunRequest {
    const k = input.k ?? null;
    const kRange = input.kRange ?? null;
    if (k !== null && kRange !== null) throw badInput('give k or kRange, not both');
    if (k !== null && (!Number.isInteger(k) || k < 2 || k > this.options.maxK)) throw badInput(`k must be between 2 and ${this.options.maxK}`);
    if (kRange) {
      const { min, max } = kRange;
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 2 || max < min || max > this.options.maxK) {
        throw badInput(`kRange needs 2 <= min <= max <= ${this.options.maxK}`);
      }
      if (max - min + 1 > this.options.maxKRangeWidth) throw badInput(`kRange may span at most ${this.options.maxKRangeWidth} values of k`);
    }
    const subsegments = input.subsegments ?? null;
    if (subsegments !== null && (!Number.isInteger(subsegments) || subsegments < 2 || subsegments > MAX_SUBSEGMENTS)) {
      throw badInput(`subsegments must be between 2 and ${MAX_SUBSEGMENTS}`);
    }
    const filter = input.filter ?? [];
    if (filter.length > MAX_FILTER_CONDITIONS) throw badInput(`at most ${MAX_FILTER_CONDITIONS} filter conditions`);
    filter.forEach((c, i) => {
      const ops = (c.equals != null ? 1 : 0) + (c.in != null ? 1 : 0);
      if (c.attribute.trim() === '' || ops !== 1) throw badInput(`filter[${i}] needs an attribute and exactly one of equals and in`);
      if (c.in && (c.in.length === 0 || c.in.length > 100)) throw badInput(`filter[${i}].in needs 1 to 100 values`);
      checkIdentifier(c.attribute, `filter[${i}].attribute`, 'attribute names');
    });
    // Values are matched against stored attribute values, which were cleaned the same way.
    const cleanedFilter = filter.map((c, i) => ({
      ...c,
      equals: c.equals == null ? c.equals : cleanFreeText(c.equals, `filter[${i}].equals`),
      in: c.in == null ? c.in : c.in.map((v, j) => cleanFreeText(v, `filter[${i}].in[${j}]`)),
    }));
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed) || seed < 0) throw badInput('seed must be a non-negative integer');
    return { k, kRange, algorithm: input.algorithm ?? 'KMEANS', filter: cleanedFilter, subsegments, seed };
  }

  private async execute(runId: string, signal: AbortSignal): Promise<void> {
    let run = this.current;
    if (!run || run.id !== runId) return;
    const checkCancelled = () => {
      if (signal.aborted) throw new RunCancelled();
    };
    const update = (changes: Partial<SegmentationRun>, force = false) => {
      if (signal.aborted) return;
      run = { ...run!, ...changes };
      this.current = run;
      this.publish(run, force);
    };
    let phaseStarted = Date.now();
    const phase = (name: RunPhase, fraction = 0) => {
      const [from, to] = PHASE_SPAN[name];
      const changes: Partial<SegmentationRun> = { phase: name, progress: from + (to - from) * Math.min(1, Math.max(0, fraction)) };
      if (run && name !== run.phase && run.phase !== 'queued') {
        // Entering a new phase closes the previous one's timing.
        changes.timings = [...run.timings, { phase: run.phase, ms: Date.now() - phaseStarted }];
        phaseStarted = Date.now();
      } else if (run && name !== run.phase) {
        phaseStarted = Date.now();
      }
      return changes;
    };
    const started = Date.now();
    const { request } = run;
    try {
      update({ status: 'RUNNING', startedAt: new Date(), ...phase('scrolling') }, true);

      // 1. Scroll the population's vectors out of the store (profiles brought up to date first).
      await this.options.beforeScroll?.();
      checkCancelled();
      // Users erased from here on are kept out of this run's memberships (see MembershipRepository).
      const scrollStartedAt = Date.now();
      const filter = populationFilter(request.filter);
      const total = await this.store.count(USERS, filter);
      const ids: string[] = [];
      const texts: string[] = [];
      const attributes: Attributes[] = [];
      const rows: Float32Array[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.store.scroll(USERS, { filter, limit: this.options.pageSize, cursor, withVector: true });
        for (const record of page.records) {
          if (!record.vector) continue;
          ids.push(record.id);
          texts.push((record.payload.profileText as string | undefined) ?? '');
          attributes.push((record.payload.attributes as Attributes | undefined) ?? {});
          rows.push(record.vector);
        }
        cursor = page.nextCursor;
        checkCancelled();
        update({ userCount: ids.length, ...phase('scrolling', ids.length / Math.max(1, total)) });
      } while (cursor);
      const n = ids.length;
      if (n < 2) throw new Error(`there are ${n} users to segment; at least 2 are needed`);
      const dimension = rows[0]!.length;
      const data = new Float32Array(n * dimension);
      rows.forEach((v, i) => data.set(v, i * dimension));
      rows.length = 0;

      // 2. Cluster (and choose k, and measure) in a worker thread.
      const k = request.k ?? (request.kRange ? null : Math.min(this.options.defaultK, n));
      update({ k, userCount: n, ...phase('clustering') }, true);
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'iteration') {
          const fraction = request.kRange ? 0.9 : message.iteration / MAX_ITERATIONS;
          update({ iteration: message.iteration, inertia: message.inertia, ...phase('clustering', fraction) });
        } else if (message.type === 'candidate') {
          update({
            kCandidates: [...run!.kCandidates, { k: message.k, silhouette: message.silhouette, inertia: Number.NaN }],
            ...phase('clustering', (0.9 * message.done) / message.total),
          });
        }
      };
      const outcome = await runClustering(
        {
          data,
          n,
          d: dimension,
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
      const { assignments, order } = orderClustersBySize(outcome.assignments, outcome.k);
      const sizes = new Array<number>(outcome.k).fill(0);
      for (const c of assignments) sizes[c]! += 1;
      const kept = sizes.filter((s) => s > 0).length;
      const q = outcome.quality;
      update(
        {
          k: kept,
          iteration: outcome.iterations,
          inertia: q.inertia,
          kCandidates: outcome.kCandidates,
          metrics: { inertia: q.inertia, silhouette: q.silhouette, silhouetteSampleSize: q.silhouetteSampleSize, daviesBouldin: q.daviesBouldin, calinskiHarabasz: q.calinskiHarabasz },
          ...phase('describing'),
        },
        true,
      );

      // 3. Describe: keywords, traits, top items, metrics per segment.
      const segments = this.describe(run, outcome, order, assignments, sizes, kept, { ids, texts, attributes, data, dimension });
      checkCancelled();

      // 4. Write segments, then memberships under this run's id (invisible until the run is active).
      update(phase('writing'), true);
      await this.store.upsert(
        SEGMENTS,
        segments.map((s) => ({ id: s.segment.id, vector: s.centroid, payload: segmentToPayload(s.segment) })),
      );
      const childOf = childAssignments(outcome, order, n, assignments);
      const topCentroids = new Float32Array(kept * dimension);
      segments.filter((s) => s.segment.level === 0).forEach((s) => topCentroids.set(s.centroid, s.segment.index * dimension));
      const distances = distancesToCentroids(data, n, dimension, assignments, topCentroids);
      for (let start = 0; start < n; start += this.options.writeBatchSize) {
        checkCancelled();
        const end = Math.min(n, start + this.options.writeBatchSize);
        this.memberships.writeRun(run.id, {
          userIds: ids.slice(start, end),
          segments: assignments.subarray(start, end),
          children: childOf.subarray(start, end),
          distances: distances.subarray(start, end),
        });
        update(phase('writing', end / n));
        // Let queries run between chunks: the rows are not visible until the run is active.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      checkCancelled();

      // 5. Compare with the run this one replaces, then switch: from here on every query answers from this run.
      const activeRunId = this.activeRunId();
      let stability = null;
      if (activeRunId) {
        const previous = this.memberships.segmentByUser(activeRunId);
        stability = compareMemberships(activeRunId, Int32Array.from(ids, (id) => previous.get(id) ?? -1), assignments);
      }
      const succeeded: SegmentationRun = { ...run, status: 'SUCCEEDED', stability, ...phase('done'), finishedAt: new Date() };
      // Status and active pointer change in one transaction, and only if the run was not cancelled meanwhile.
      const activated = this.runs.activate(succeeded, () => this.memberships.removeErased(succeeded.id, scrollStartedAt));
      if (!activated) throw new RunCancelled();
      // Clients hear SUCCEEDED only once queries answer from this run.
      await this.loadActive();
      run = succeeded;
      this.current = succeeded;
      this.publish(succeeded, true);
      this.retire(succeeded.id, activeRunId);
      this.logger.info({ runId: run.id, users: n, k: kept, ms: Date.now() - started }, 'segmentation run succeeded');
    } catch (error) {
      if (error instanceof RunCancelled || signal.aborted) {
        this.logger.info({ runId }, 'segmentation run cancelled');
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error({ runId, err: error }, 'segmentation run failed');
        const failed: SegmentationRun = { ...run!, status: 'FAILED', error: message, finishedAt: new Date() };
        if (this.runs.finish(failed)) {
          run = failed;
          this.current = failed;
          this.publish(failed, true);
        }
      }
      if (this.runs.activeRunId() !== runId) {
        this.memberships.dropRun(runId);
        await this.store.delete(SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] } }).catch(() => undefined);
      }
    }
  }

  private describe(
    run: SegmentationRun,
    outcome: ClusteringOutcome,
    order: number[],
    assignments: Int32Array,
    sizes: number[],
    kept: number,
    population: { ids: string[]; texts: string[]; attributes: Attributes[]; data: Float32Array; dimension: number },
  ): Array<{ segment: Segment; centroid: Float32Array }> {
    const { ids, texts, attributes, data, dimension } = population;
    const n = ids.length;
    const keywords = classTfIdf(texts, assignments, outcome.k);
    const traits = computeTraits(attributes, assignments, outcome.k);
    const engaged = this.engagements.positiveEngagements();
    const engagedRows = ids.map((id) => engaged.get(id) ?? []);
    const topItems = topItemsPerCluster(engagedRows, assignments, outcome.k);
    const stats = outcome.quality.clusters;
    const centroids = new Float32Array(outcome.k * dimension);
    order.forEach((old, j) => centroids.set(outcome.centroids.subarray(old * dimension, (old + 1) * dimension), j * dimension));
    const labels = uniqueLabels(keywords.slice(0, kept).map((kw, j) => labelFromKeywords(kw, sizes[j]!)), keywords);

    const result: Array<{ segment: Segment; centroid: Float32Array }> = [];
    for (let j = 0; j < kept; j++) {
      const stat = stats[order[j]!];
      result.push({
        centroid: normalizedRow(centroids, j, dimension),
        segment: {
          id: segmentId(run.id, j),
          runId: run.id,
          index: j,
          level: 0,
          label: labels[j]!,
          size: sizes[j]!,
          keywords: keywords[j]!,
          parentId: null,
          metrics: stat ? { size: sizes[j]!, share: sizes[j]! / n, cohesion: stat.cohesion, separation: stat.separation } : null,
          traits: traits[j]!,
          topItems: topItems[j]!,
        },
      });
    }

    // Subsegments: children of each segment, described against their siblings.
    if (outcome.children) {
      const childOf = childAssignments(outcome, order, n, assignments);
      for (let j = 0; j < kept; j++) {
        const child = outcome.children[order[j]!];
        if (!child) continue;
        const rows: number[] = [];
        for (let i = 0; i < n; i++) if (assignments[i] === j) rows.push(i);
        const local = Int32Array.from(rows, (i) => childOf[i]!);
        const childSizes = new Array<number>(child.k).fill(0);
        for (const c of local) if (c >= 0) childSizes[c]! += 1;
        const childKeywords = classTfIdf(rows.map((i) => texts[i]!), local, child.k);
        const childTraits = computeTraits(rows.map((i) => attributes[i]!), local, child.k);
        const childItems = topItemsPerCluster(rows.map((i) => engagedRows[i]!), local, child.k);
        const childLabels = uniqueLabels(childKeywords.map((kw, c) => labelFromKeywords(kw, childSizes[c]!)), childKeywords);
        for (let c = 0; c < child.k; c++) {
          if (childSizes[c] === 0) continue;
          const centroid = new Float32Array(dimension);
          for (const i of rows) if (childOf[i] === c) for (let t = 0; t < dimension; t++) centroid[t]! += data[i * dimension + t]!;
          result.push({
            centroid: normalizedRow(centroid, 0, dimension),
            segment: {
              id: childSegmentId(run.id, j, c),
              runId: run.id,
              index: c,
              level: 1,
              label: childLabels[c]!,
              size: childSizes[c]!,
              keywords: childKeywords[c]!,
              parentId: segmentId(run.id, j),
              metrics: { size: childSizes[c]!, share: childSizes[c]! / n, cohesion: Number.NaN, separation: Number.NaN },
              traits: childTraits[c]!,
              topItems: childItems[c]!,
            },
          });
        }
      }
    }
    return result;
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

  private async loadActive(): Promise<void> {
    const runId = this.runs.activeRunId();
    const run = runId ? this.runs.get(runId) : null;
    if (!runId || !run) {
      this.active = null;
      return;
    }
    const records: Array<{ segment: Segment; vector: Float32Array }> = [];
    for await (const r of scrollAll(this.store, SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] }, limit: 256, withVector: true })) {
      if (r.vector) records.push({ segment: segmentFromRecord(r), vector: r.vector });
    }
    const toSet = (list: typeof records): CentroidSet => {
      const dimension = list[0]?.vector.length ?? 0;
      const vectors = new Float32Array(list.length * dimension);
      list.forEach((r, j) => vectors.set(r.vector, j * dimension));
      return { ids: list.map((r) => r.segment.id), vectors, dimension };
    };
    const children = new Map<string, CentroidSet>();
    for (const parent of new Set(records.filter((r) => r.segment.parentId).map((r) => r.segment.parentId!))) {
      children.set(parent, toSet(records.filter((r) => r.segment.parentId === parent)));
    }
    this.active = { runId, filter: run.request.filter, top: toSet(records.filter((r) => r.segment.level === 0)), children };
  }
}

/** The store filter selecting the users a run clusters. */
export function populationFilter(conditions: AttributeCondition[]): Filter | undefined {
  if (conditions.length === 0) return undefined;
  return {
    must: conditions.map((c) =>
      c.in ? { field: 'attrs', in: c.in.map((v) => `${c.attribute}=${v}`) } : { field: 'attrs', eq: `${c.attribute}=${c.equals}` },
    ),
  };
}

function matchesFilter(attributes: Attributes, conditions: AttributeCondition[]): boolean {
  if (conditions.length === 0) return true;
  const flat = new Set(flattenAttributes(attributes));
  return conditions.every((c) => (c.in ? c.in.some((v) => flat.has(`${c.attribute}=${v}`)) : flat.has(`${c.attribute}=${c.equals}`)));
}

function nearest(set: CentroidSet, vector: Float32Array): { id: string; similarity: number } | null {
  const j = nearestCentroid(vector, set.vectors, set.ids.length, set.dimension);
  if (j < 0) return null;
  let similarity = 0;
  let norm = 0;
  for (let t = 0; t < set.dimension; t++) {
    similarity += vector[t]! * set.vectors[j * set.dimension + t]!;
    norm += vector[t]! * vector[t]!;
  }
  return { id: set.ids[j]!, similarity: norm > 0 ? similarity / Math.sqrt(norm) : 0 };
}

/** Cosine distance of every row to its assigned (unit) centroid. */
function distancesToCentroids(data: Float32Array, n: number, d: number, assignments: Int32Array, centroids: Float32Array): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = assignments[i]!;
    let dotProduct = 0;
    let norm = 0;
    for (let t = 0; t < d; t++) {
      const x = data[i * d + t]!;
      dotProduct += x * centroids[c * d + t]!;
      norm += x * x;
    }
    out[i] = norm > 0 ? 1 - dotProduct / Math.sqrt(norm) : 1;
  }
  return out;
}

/** Child cluster (within its parent) of every row, −1 when its parent was not split. */
function childAssignments(outcome: ClusteringOutcome, order: number[], n: number, assignments: Int32Array): Int32Array {
  const result = new Int32Array(n).fill(-1);
  if (!outcome.children) return result;
  const oldOf = order; // new index -> old index
  const cursor = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const parentOld = oldOf[assignments[i]!]!;
    const child = outcome.children[parentOld];
    if (!child) continue;
    // The worker lists a parent's members in row order, so the m-th member of a parent is its m-th child entry.
    const m = cursor.get(parentOld) ?? 0;
    cursor.set(parentOld, m + 1);
    result[i] = child.assignments[m]!;
  }
  return result;
}

/** Labels that repeat get their next distinguishing term appended, so no two segments share a name. */
function uniqueLabels(labels: string[], keywords: Array<Array<{ term: string }>>): string[] {
  const out = [...labels];
  const seen = new Map<string, number>();
  out.forEach((label, i) => {
    if (!seen.has(label)) {
      seen.set(label, i);
      return;
    }
    const extra = keywords[i]?.[3]?.term;
    out[i] = extra ? `${label} · ${extra}` : `${label} (${i + 1})`;
  });
  return out;
}
