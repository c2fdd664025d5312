/**
 * Keeps the collaborative model current without ever building it on the request path: builds
 * run in a worker thread, triggered when enough interactions arrived since the last build
 * (a share of those the model was built from) after a short delay that gathers a burst of
 * writes. An erasure takes effect at once: the model is dropped (recommendations fall back to
 * the strategies that read the live engagement index) and a rebuild without the erased rows
 * starts; a build that was under way when the erasure happened is discarded.
 */
import { compiledWorkerUrl } from '../workers/compiled-worker-url.js';
import { runInWorker } from '../workers/run-in-worker.js';
import { CollaborativeModel, type CollaborativeJob, type CollaborativeOptions, type CollaborativeParts } from './collaborative-model.js';
import type { EngagementIndex } from './engagement-index.js';

export interface CollaborativeRefreshOptions extends CollaborativeOptions {
  /** Rebuild once new interactions reach this share of those the model was built from. */
  rebuildShare: number;
  /** Wait this long after the triggering write, so a burst of writes makes one build (ms). */
  rebuildDelayMs: number;
}

function workerUrl(): URL {
  return compiledWorkerUrl(import.meta.url, 'recommendation/collaborative-worker.js');
}

/** The job for the index as it is now: every counted user's seen items, graded by how strongly they engaged. */
export function jobFromIndex(index: EngagementIndex, options: CollaborativeOptions): CollaborativeJob {
  const itemIds = [...index.popularity.keys()];
  const position = new Map(itemIds.map((id, i) => [id, i]));
  const offsets = [0];
  const items: number[] = [];
  const strengths: number[] = [];
  for (const [userId, user] of index.users) {
    // Flagged (automated-looking) users train nothing: their items may count in no popularity.
    if (!index.counts(userId)) continue;
    for (const id of user.seen) {
      items.push(position.get(id)!);
      strengths.push(user.strength.get(id) ?? 1);
    }
    offsets.push(items.length);
  }
  return { itemIds, offsets: Int32Array.from(offsets), items: Int32Array.from(items), strengths: Float32Array.from(strengths), options };
}

type CollaborativeMessage = { type: 'done'; parts: CollaborativeParts } | { type: 'error'; message: string };

function buildInWorker(job: CollaborativeJob): Promise<CollaborativeParts> {
  return runInWorker<CollaborativeParts, CollaborativeMessage>(
    workerUrl(),
    job,
    {
      label: 'collaborative model build',
      answer: (m) => (m.type === 'done' ? m.parts : undefined),
      failure: (m) => (m.type === 'error' ? m.message : undefined),
    },
    // A build under way never keeps the process alive.
    { transfer: [job.offsets.buffer as ArrayBuffer, job.items.buffer as ArrayBuffer, ...(job.strengths ? [job.strengths.buffer as ArrayBuffer] : [])], unref: true },
  );
}

export class CollaborativeRefresher {
  private model: CollaborativeModel | null = null;
  /** Interactions the current model was built from, and rows added since. */
  private builtFrom = 0;
  private pendingRows = 0;
  /** Bumped by erasures: a build started under an older generation is thrown away. */
  private generation = 0;
  private building: Promise<void> | null = null;
  private stale = true;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  lastError: string | null = null;

  constructor(
    private readonly index: EngagementIndex,
    private options: CollaborativeRefreshOptions,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /** The model to serve from, or null (none built yet, or dropped by an erasure until its rebuild). */
  current(): CollaborativeModel | null {
    return this.model;
  }

  /** New interactions were recorded. */
  added(rows: number): void {
    this.pendingRows += rows;
    this.stale = true;
    if (this.pendingRows >= Math.max(1, this.options.rebuildShare * this.builtFrom)) this.schedule(this.options.rebuildDelayMs);
  }

  /** Interactions were erased: stop serving the model at once and rebuild without them. */
  erased(): void {
    this.generation++;
    this.model = null;
    this.stale = true;
    this.schedule(0);
  }

  /**
   * New model options (the offline evaluation tunes EASE's λ on validation): the model in
   * service keeps serving until the next build, which uses them; a build under way is discarded.
   */
  retune(options: Partial<CollaborativeOptions>): void {
    this.options = { ...this.options, ...options };
    this.generation++;
    this.stale = true;
    this.schedule(0);
  }

  /** Builds now if anything changed since the last build, and resolves when the model is current. */
  async refresh(): Promise<void> {
    while (!this.closed && (this.stale || this.building)) {
      if (this.building) await this.building;
      else await this.build();
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.building) {
        // Once the running build ends, build again if needed.
        void this.building.then(() => this.stale && this.schedule(0));
        return;
      }
      void this.build();
    }, delayMs);
    this.timer.unref();
  }

  private build(): Promise<void> {
    const generation = this.generation;
    const job = jobFromIndex(this.index, this.options);
    const rows = job.items.length;
    this.stale = false;
    this.pendingRows = 0;
    const run = async () => {
      try {
        const parts = job.itemIds.length === 0 ? null : await buildInWorker(job);
        if (this.closed) return;
        if (generation !== this.generation) {
          this.stale = true; // an erasure happened meanwhile: this model may still hold erased rows
          return;
        }
        this.model = parts ? CollaborativeModel.fromParts(parts) : null;
        this.builtFrom = rows;
        this.lastError = null;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.onError(error instanceof Error ? error : new Error(String(error)));
      }
    };
    // Cleared in a later microtask, so also after a build that finished synchronously (nothing to build).
    const building: Promise<void> = run().finally(() => {
      if (this.building === building) this.building = null;
    });
    this.building = building;
    return this.building;
  }
}
