import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { badInput, conflict } from '../app/errors.js';
import { SEGMENTS, USERS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import type { LiveSegmentAssigner } from '../profiles/profile-service.js';
import { classTfIdf, labelFromKeywords } from './keywords.js';
import { isTerminal, type RunPhase, type SegmentationRun } from './run.js';
import type { RunRepository } from './run-repository.js';
import { runClustering } from './run-clustering.js';
import { runIdOfSegment, segmentFromRecord, segmentId, segmentToPayload, type Segment } from './segment.js';
import { inertia, nearestCentroid, normalizedRow, orderClustersBySize } from './vector-math.js';

export interface ReclusterRequest {
  k?: number | null;
  seed?: number | null;
}

/** Where run updates go (the GraphQL subscriptions, logs). */
export interface RunListener {
  runUpdated(run: SegmentationRun): void;
}

export interface SegmentationOptions {
  defaultK: number;
  maxK: number;
  /** Users per page when scrolling vectors out of the store and per payload write. */
  pageSize: number;
  /** Minimum time between progress events, in ms. */
  progressIntervalMs: number;
  /** Runs before vectors are read, e.g. to bring queued profiles up to date. */
  beforeScroll?: () => Promise<void>;
}

/** The phases' shares of the whole run, for one progress figure. */
const PHASE_SPAN: Record<RunPhase, [number, number]> = {
  queued: [0, 0],
  scrolling: [0, 0.3],
  clustering: [0.3, 0.75],
  describing: [0.75, 0.8],
  writing: [0.8, 1],
  done: [1, 1],
};

interface ActiveCentroids {
  runId: string;
  ids: string[];
  /** Row-major, unit rows. */
  vectors: Float32Array;
  dimension: number;
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
  private active: ActiveCentroids | null = null;
  private lastPublished = 0;

  constructor(
    private readonly store: VectorStore,
    private readonly runs: RunRepository,
    private readonly listener: RunListener,
    private readonly options: SegmentationOptions,
    private readonly logger: Logger,
  ) {}

  /** Marks runs a previous process left unfinished as FAILED and loads the active centroids. */
  async start(): Promise<void> {
    for (const run of this.runs.unfinished()) {
      const failed = { ...run, status: 'FAILED' as const, error: 'interrupted: the service stopped before the run finished', finishedAt: new Date() };
      this.runs.save(failed);
      await this.store.delete(SEGMENTS, { filter: { must: [{ field: 'runId', eq: run.id }] } });
      this.logger.warn({ runId: run.id }, 'marked an interrupted segmentation run as failed');
    }
    await this.loadActiveCentroids();
  }

  async recluster(request: ReclusterRequest): Promise<SegmentationRun> {
    if (this.current && !isTerminal(this.current.status)) {
      throw conflict(`segmentation run ${this.current.id} is still ${this.current.status}; wait for it to finish`, {
        runId: this.current.id,
      });
    }
    const k = request.k ?? null;
    if (k !== null && (!Number.isInteger(k) || k < 2 || k > this.options.maxK)) {
      throw badInput(`k must be between 2 and ${this.options.maxK}`);
    }
    const seed = request.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(seed) || seed < 0) throw badInput('seed must be a non-negative integer');
    const userCount = await this.store.count(USERS);
    const effectiveK = k ?? Math.min(this.options.defaultK, userCount);
    if (userCount < 2) throw badInput(`there are ${userCount} users; at least 2 are needed to segment`);
    if (effectiveK > userCount) throw badInput(`k = ${effectiveK} exceeds the number of users (${userCount})`);

    const run: SegmentationRun = {
      id: `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      status: 'QUEUED',
      requestedK: k,
      k: effectiveK,
      seed,
      phase: 'queued',
      progress: 0,
      userCount: null,
      iteration: null,
      inertia: null,
      error: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
    };
    this.current = run;
    this.runs.save(run);
    this.publish(run, true);
    // The work runs after the mutation has answered.
    setImmediate(() => void this.execute(run.id));
    return run;
  }

  getRun(id: string): SegmentationRun | null {
    if (this.current?.id === id) return this.current;
    return this.runs.get(id);
  }

  listRuns(first: number): SegmentationRun[] {
    return this.runs.list(first);
  }

  activeRunId(): string | null {
    return this.active?.runId ?? null;
  }

  /** The active run's segments, largest first. */
  async activeSegments(): Promise<Segment[]> {
    const runId = this.activeRunId();
    return runId ? this.segmentsOfRun(runId) : [];
  }

  async segmentsOfRun(runId: string): Promise<Segment[]> {
    const segments: Segment[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.scroll(SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] }, limit: 256, cursor });
      segments.push(...page.records.map(segmentFromRecord));
      cursor = page.nextCursor;
    } while (cursor);
    return segments.sort((a, b) => a.index - b.index);
  }

  async getSegment(id: string): Promise<Segment | null> {
    const [record] = await this.store.get(SEGMENTS, [id]);
    return record ? segmentFromRecord(record) : null;
  }

  /** The segment of the active run among a user's segment ids. */
  activeSegmentIdOf(segmentIds: string[]): string | null {
    const runId = this.activeRunId();
    return segmentIds.find((s) => runIdOfSegment(s) === runId) ?? null;
  }

  /** A user getting a live segment keeps only memberships of a run still being written. */
  keptSegmentIds(existing: string[]): string[] {
    const inProgress = this.current && !isTerminal(this.current.status) ? this.current.id : null;
    return inProgress ? existing.filter((s) => runIdOfSegment(s) === inProgress) : [];
  }

  async nearestSegments(vectors: Float32Array[]): Promise<Array<string | null>> {
    const active = this.active;
    if (!active) return vectors.map(() => null);
    return vectors.map((v) => {
      const j = nearestCentroid(v, active.vectors, active.ids.length, active.dimension);
      return j < 0 ? null : active.ids[j]!;
    });
  }

  /** Settles in-flight work before shutdown (a run still going is failed by the next start). */
  stop(): void {
    this.current = null;
  }

  private async execute(runId: string): Promise<void> {
    let run = this.current;
    if (!run || run.id !== runId) return;
    const update = (changes: Partial<SegmentationRun>, force = false) => {
      run = { ...run!, ...changes };
      if (this.current?.id === run.id) this.current = run;
      this.publish(run, force);
    };
    const phase = (name: RunPhase, fraction = 0) => {
      const [from, to] = PHASE_SPAN[name];
      return { phase: name, progress: from + (to - from) * Math.min(1, Math.max(0, fraction)) };
    };
    const started = Date.now();
    try {
      update({ status: 'RUNNING', startedAt: new Date(), ...phase('scrolling') }, true);

      // 1. Scroll every user vector out of the store (profiles brought up to date first).
      await this.options.beforeScroll?.();
      const total = await this.store.count(USERS);
      const ids: string[] = [];
      const texts: string[] = [];
      const previousIds: string[][] = [];
      const chunks: Float32Array[] = [];
      let dimension = 0;
      let cursor: string | undefined;
      do {
        const page = await this.store.scroll(USERS, { limit: this.options.pageSize, cursor, withVector: true });
        for (const record of page.records) {
          if (!record.vector) continue;
          dimension = record.vector.length;
          ids.push(record.id);
          texts.push((record.payload.profileText as string | undefined) ?? '');
          previousIds.push((record.payload.segmentIds as string[] | undefined) ?? []);
          chunks.push(record.vector);
        }
        cursor = page.nextCursor;
        update({ userCount: ids.length, ...phase('scrolling', ids.length / Math.max(1, total)) });
      } while (cursor);
      const n = ids.length;
      const k = Math.min(run.k ?? this.options.defaultK, n);
      if (n < 2) throw new Error(`there are ${n} users; at least 2 are needed to segment`);
      const data = new Float32Array(n * dimension);
      chunks.forEach((v, i) => data.set(v, i * dimension));

      // 2. Cluster off the event loop.
      update({ k, ...phase('clustering') }, true);
      const maxIterations = 100;
      const result = await runClustering({ data, n, d: dimension, k, seed: run.seed }, (iteration) =>
        update({ iteration, ...phase('clustering', iteration / maxIterations) }),
      );
      const { assignments, order } = orderClustersBySize(result.assignments, k);
      const centroids = new Float32Array(k * dimension);
      order.forEach((old, j) => centroids.set(result.centroids.subarray(old * dimension, (old + 1) * dimension), j * dimension));
      const sizes = new Array<number>(k).fill(0);
      for (const c of assignments) sizes[c]! += 1;
      const nonEmpty = sizes.filter((s) => s > 0).length;
      update({ iteration: result.iterations, inertia: inertia(data, n, dimension, assignments, centroids), k: nonEmpty, ...phase('describing') }, true);

      // 3. Describe each segment by the words that set its members apart.
      const keywords = classTfIdf(texts, assignments, k);
      const segments: Segment[] = [];
      for (let j = 0; j < nonEmpty; j++) {
        segments.push({
          id: segmentId(run.id, j),
          runId: run.id,
          index: j,
          label: labelFromKeywords(keywords[j]!, sizes[j]!),
          size: sizes[j]!,
          keywords: keywords[j]!,
          parentId: null,
        });
      }

      // 4. Write segments, then memberships under this run's segment ids.
      update(phase('writing'), true);
      await this.store.upsert(
        SEGMENTS,
        segments.map((s) => ({ id: s.id, vector: normalizedRow(centroids, s.index, dimension), payload: segmentToPayload(s) })),
      );
      const activeRunId = this.activeRunId();
      for (let start = 0; start < n; start += this.options.pageSize) {
        const end = Math.min(n, start + this.options.pageSize);
        const updates = [];
        for (let i = start; i < end; i++) {
          const keep = previousIds[i]!.filter((s) => runIdOfSegment(s) === activeRunId);
          updates.push({ id: ids[i]!, payload: { segmentIds: [...keep, segmentId(run.id, assignments[i]!)] } });
        }
        await this.store.setPayload(USERS, updates);
        update(phase('writing', end / n));
      }

      // 5. Switch: from here on every query answers from this run.
      this.runs.setActiveRunId(run.id);
      await this.loadActiveCentroids();
      update({ status: 'SUCCEEDED', ...phase('done'), finishedAt: new Date() }, true);
      this.logger.info({ runId: run.id, users: n, k: nonEmpty, ms: Date.now() - started }, 'segmentation run succeeded');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ runId, err: error }, 'segmentation run failed');
      update({ status: 'FAILED', error: message, finishedAt: new Date() }, true);
      await this.store.delete(SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] } }).catch(() => undefined);
    }
  }

  private publish(run: SegmentationRun, force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastPublished < this.options.progressIntervalMs) return;
    this.lastPublished = now;
    this.runs.save(run);
    this.listener.runUpdated(run);
  }

  private async loadActiveCentroids(): Promise<void> {
    const runId = this.runs.activeRunId();
    if (!runId) {
      this.active = null;
      return;
    }
    const ids: string[] = [];
    const rows: Float32Array[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.scroll(SEGMENTS, {
        filter: { must: [{ field: 'runId', eq: runId }] },
        limit: 256,
        cursor,
        withVector: true,
      });
      for (const r of page.records) {
        if (r.vector) {
          ids.push(r.id);
          rows.push(r.vector);
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    const dimension = rows[0]?.length ?? 0;
    const vectors = new Float32Array(rows.length * dimension);
    rows.forEach((r, j) => vectors.set(r, j * dimension));
    this.active = { runId, ids, vectors, dimension };
  }
}
