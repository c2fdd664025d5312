import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { badInput, conflict, notFound } from '../app/errors.js';
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
import { childSegmentId, isChildSegmentId, runIdOfSegment, segmentFromRecord, segmentId, segmentToPayload, type Segment } from './segment.js';
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
  /** Users per membership write (one store call each). */
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

  constructor(
    private readonly store: VectorStore,
    private readonly runs: RunRepository,
    private readonly engagements: EngagementSource,
    private readonly listener: RunListener,
    private readonly options: SegmentationOptions,
    private readonly logger: Logger,
  ) {}

  /** Marks runs a previous process left unfinished as FAILED (their segments removed) and loads the active centroids. */
  async start(): Promise<void> {
    for (const run of this.runs.unfinished()) {
      this.runs.save({ ...run, status: 'FAILED', error: 'interrupted: the service stopped before the run finished', finishedAt: new Date() });
      await this.store.delete(SEGMENTS, { filter: { must: [{ field: 'runId', eq: run.id }] } });
      this.logger.warn({ runId: run.id }, 'marked an interrupted segmentation run as failed');
    }
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
    this.current = run;
    this.abort = new AbortController();
    this.runs.save(run);
    this.publish(run, true);
    // The work runs after the mutation has answered.
    // Outside the request's scope: the run must not be cancelled with the request, nor share its store budget.
    outsideRequestScope(() => setImmediate(() => void this.execute(run.id, this.abort!.signal)));
    return run;
  }

  /** Stops a queued or running run; the previous segments keep answering. */
  cancel(id: string): SegmentationRun {
    validateId(id, 'id');
    const run = this.getRun(id);
    if (!run) throw notFound(`no segmentation run with id "${id}"`, { id });
    if (isTerminal(run.status)) throw conflict(`segmentation run ${id} has already ended (${run.status})`, { runId: id });
    this.abort?.abort(new RunCancelled());
    const cancelled: SegmentationRun = { ...run, status: 'CANCELLED', error: 'cancelled by request', finishedAt: new Date() };
    this.current = cancelled;
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

  /** The user's top-level (or, at level 1, child) segment in the active run. */
  activeSegmentIdOf(segmentIds: string[], level = 0): string | null {
    const runId = this.activeRunId();
    return segmentIds.find((s) => runIdOfSegment(s) === runId && isChildSegmentId(s) === (level === 1)) ?? null;
  }

  /** Users assigned live (nearest centroid) since the run finished: a hint that a new run is due. */
  liveAssignedSince(runId: string): Promise<number> {
    return this.store.count(USERS, { must: [{ field: 'liveRunId', eq: runId }] });
  }

  async nearestSegments(vectors: Float32Array[], attributes?: Attributes[]): Promise<Array<string[] | null>> {
    const active = this.active;
    if (!active) return vectors.map(() => null);
    return vectors.map((v, i) => {
      if (attributes && !matchesFilter(attributes[i]!, active.filter)) return null;
      const top = nearest(active.top, v);
      if (!top) return null;
      const children = active.children.get(top);
      const child = children ? nearest(children, v) : null;
      return child ? [top, child] : [top];
    });
  }

  /** A user getting a live segment keeps only memberships of a run still being written. */
  keptSegmentIds(existing: string[]): string[] {
    const inProgress = this.current && !isTerminal(this.current.status) ? this.current.id : null;
    return inProgress ? existing.filter((s) => runIdOfSegment(s) === inProgress) : [];
  }

  /** Stops a run in progress before shutdown (the next start marks it FAILED). */
  stop(): void {
    this.abort?.abort(new RunCancelled());
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
    });
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed) || seed < 0) throw badInput('seed must be a non-negative integer');
    return { k, kRange, algorithm: input.algorithm ?? 'KMEANS', filter, subsegments, seed };
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
      const filter = populationFilter(request.filter);
      const total = await this.store.count(USERS, filter);
      const ids: string[] = [];
      const texts: string[] = [];
      const attributes: Attributes[] = [];
      const previousIds: string[][] = [];
      const rows: Float32Array[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.store.scroll(USERS, { filter, limit: this.options.pageSize, cursor, withVector: true });
        for (const record of page.records) {
          if (!record.vector) continue;
          ids.push(record.id);
          texts.push((record.payload.profileText as string | undefined) ?? '');
          attributes.push((record.payload.attributes as Attributes | undefined) ?? {});
          previousIds.push((record.payload.segmentIds as string[] | undefined) ?? []);
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

      // 4. Write segments, then memberships under this run's segment ids.
      update(phase('writing'), true);
      await this.store.upsert(
        SEGMENTS,
        segments.map((s) => ({ id: s.segment.id, vector: s.centroid, payload: segmentToPayload(s.segment) })),
      );
      const activeRunId = this.activeRunId();
      const childOf = childAssignments(outcome, order, n, assignments);
      for (let start = 0; start < n; start += this.options.writeBatchSize) {
        checkCancelled();
        const end = Math.min(n, start + this.options.writeBatchSize);
        const updates = [];
        for (let i = start; i < end; i++) {
          const keep = previousIds[i]!.filter((s) => runIdOfSegment(s) === activeRunId);
          const own = [segmentId(run.id, assignments[i]!)];
          if (childOf[i]! >= 0) own.push(childSegmentId(run.id, assignments[i]!, childOf[i]!));
          updates.push({ id: ids[i]!, payload: { segmentIds: [...keep, ...own] } });
        }
        await this.store.setPayload(USERS, updates);
        update(phase('writing', end / n));
      }
      checkCancelled();

      // 5. Compare with the run this one replaces, then switch: from here on every query answers from this run.
      const previousLabels = Int32Array.from(previousIds, (list) => {
        const id = list.find((s) => runIdOfSegment(s) === activeRunId && !isChildSegmentId(s));
        return id ? Number(id.slice(id.lastIndexOf(':') + 1)) : -1;
      });
      const stability = activeRunId ? compareMemberships(activeRunId, previousLabels, assignments) : null;
      this.runs.setActiveRunId(run.id);
      await this.loadActive();
      update({ status: 'SUCCEEDED', stability, ...phase('done'), finishedAt: new Date() }, true);
      this.logger.info({ runId: run.id, users: n, k: kept, ms: Date.now() - started }, 'segmentation run succeeded');
    } catch (error) {
      if (error instanceof RunCancelled || signal.aborted) {
        this.logger.info({ runId }, 'segmentation run cancelled');
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error({ runId, err: error }, 'segmentation run failed');
        update({ status: 'FAILED', error: message, finishedAt: new Date() }, true);
      }
      await this.store.delete(SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] } }).catch(() => undefined);
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

  private publish(run: SegmentationRun, force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastPublished < this.options.progressIntervalMs) return;
    this.lastPublished = now;
    this.runs.save(run);
    this.listener.runUpdated(run);
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

function nearest(set: CentroidSet, vector: Float32Array): string | null {
  const j = nearestCentroid(vector, set.vectors, set.ids.length, set.dimension);
  return j < 0 ? null : set.ids[j]!;
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
