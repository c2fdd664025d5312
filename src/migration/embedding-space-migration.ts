/**
 * Moves the store to a new embedding space: every user, item and segment made again with a new
 * model, in a new set of collections beside the live one, then one atomic switch.
 *
 * 1. building: the target space is created (`openSpace`, meta marked `building`) and each
 *    collection is copied in pages from the live space, vectors re-derived by the rebuilders
 *    (items, then users, whose vectors blend item vectors, then segments, whose centroids are
 *    their members' mean). Reads and writes keep going to the live space with the old model.
 * 2. catching-up: writes made meanwhile were noted (TrackedStore, after they reached the live
 *    space); those records are copied again, read fresh from the live space (gone: deleted).
 *    Then the new collections finish their background work (indexes, optimisation) before serving.
 * 3. switching: under the write gate held exclusively (writers already embedding finish, new
 *    ones wait) the last noted records are copied, the store switches every collection at once
 *    (`activateSpace`: Qdrant aliases, LanceDB meta pointer) and the services' embedder switches
 *    to the new model. Writers then resume on the new space with the new model.
 *
 * Why re-apply rather than dual-write: a copy and a concurrent write of one record could land in
 * the new space in either order, so dual-writing would still need the re-read; noting ids and
 * re-reading the live record is correct whatever the order, and costs the writers nothing.
 * A crash or failure leaves the live space untouched; the half-built space (meta `building`) is
 * dropped when the next migration starts, which then builds from the beginning.
 */
import type { Logger } from 'pino';
import type { Embedder } from '../embedding/port.js';
import type { CollectionSpec, StoredRecord, VectorStore } from '../store/port.js';
import { nextSpaceId } from '../store/spaces.js';
import type { LiveEmbedder } from './live-embedder.js';
import type { SpaceRebuilder, TargetSpace } from './rebuilders.js';
import { TrackedStore, type WrittenRecords } from './tracked-store.js';
import type { WriteGate } from './write-gate.js';

export type MigrationPhase = 'idle' | 'building' | 'catching-up' | 'switching' | 'done' | 'failed';

export interface MigrationStatus {
  phase: MigrationPhase;
  reason: string | null;
  fromModel: string | null;
  toModel: string | null;
  fromSpace: string | null;
  toSpace: string | null;
  /** The collection being copied (building). */
  collection: string | null;
  /** Records copied so far, of `total` (the live counts when building began). */
  done: number;
  total: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface EmbeddingSpaceMigrationOptions {
  /** The live store, not bound to requests. */
  store: VectorStore;
  /** The embedder the services use; switched at the swap. */
  embedder: LiveEmbedder;
  /** The collections of a space of this dimension. */
  specs: (dimension: number) => CollectionSpec[];
  /** One per collection of `specs`, in build order. */
  rebuilders: SpaceRebuilder[];
  gate: WriteGate;
  /** Keep the previous space's collections after the switch (EMBEDDING_MIGRATION_KEEP_PREVIOUS). */
  keepPrevious: boolean;
  /** Records per page copied. */
  batchSize: number;
  logger: Logger;
  /** Under the gate, before the switch (e.g. cancel segmentation runs clustering old vectors). */
  beforeSwitch?: () => Promise<void>;
  /** Under the gate, after the switch (e.g. reload the active run's centroids). */
  afterSwitch?: () => Promise<void>;
}

/** Refused: a migration is already under way. */
export class MigrationInProgressError extends Error {
  override name = 'MigrationInProgressError';
}

class StoppedError extends Error {
  override name = 'StoppedError';
}

/** Rounds of catching up before the switch; what is still noted after them is copied under the gate. */
const CATCH_UP_ROUNDS = 5;
const PROGRESS_LOG_MS = 2000;

export class EmbeddingSpaceMigration {
  readonly #o: EmbeddingSpaceMigrationOptions;
  #status: MigrationStatus = idleStatus();
  /** Writes noted per collection while a migration copies; undefined when none runs. */
  #noted: Map<string, { ids: Set<string>; filters: WrittenRecords[] }> | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopping = false;

  constructor(options: EmbeddingSpaceMigrationOptions) {
    this.#o = options;
  }

  /** The store services write through, so that writes during a migration are noted. */
  track(store: VectorStore): VectorStore {
    return new TrackedStore(store, (collection, written) => this.#note(collection, written));
  }

  status(): MigrationStatus {
    return { ...this.#status };
  }

  /** Resolves when the migration under way (if any) has finished or failed. */
  settled(): Promise<void> {
    return this.#running;
  }

  /**
   * Stops a migration before its switch (the service is closing): the live space stays as it
   * was and the half-built space is left for the next migration to drop, as after a crash.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
  }

  #checkNotStopping(): void {
    if (this.#stopping) throw new StoppedError('the service is stopping; the next migration starts over');
  }

  /**
   * Starts moving the store to `target`'s space in the background; the one entry point for
   * every caller (a model change at start, a refitted corpus model). Returns the status at start.
   */
  start(target: Embedder, reason: string): MigrationStatus {
    if (this.#stopping) throw new MigrationInProgressError('The service is stopping');
    if (this.#noted !== undefined || ['building', 'catching-up', 'switching'].includes(this.#status.phase)) {
      throw new MigrationInProgressError(`An embedding migration to ${this.#status.toModel} is under way (${this.#status.phase})`);
    }
    this.#status = {
      ...idleStatus(),
      phase: 'building',
      reason,
      fromModel: this.#o.embedder.modelId,
      toModel: target.modelId,
      startedAt: new Date().toISOString(),
    };
    // Noting starts before the first page is read, so no write can fall between copy and note.
    this.#noted = new Map();
    this.#o.logger.info({ reason, from: this.#status.fromModel, to: target.modelId }, 'embedding migration: started');
    this.#running = this.#run(target).catch((error: unknown) => {
      this.#noted = undefined;
      this.#status = { ...this.#status, phase: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date().toISOString() };
      this.#o.logger.error({ err: error, to: target.modelId }, 'embedding migration failed; the live space is unchanged');
    });
    return this.status();
  }

  async #run(target: Embedder): Promise<void> {
    const { store, specs, rebuilders } = this.#o;
    const collections = specs(target.dimension).map((s) => s.name);
    const missing = collections.filter((c) => !rebuilders.some((r) => r.collection === c));
    if (missing.length > 0) throw new Error(`No rebuilder for ${missing.join(', ')}`);

    // Spaces a crash left half-built are dropped; kept ones stay. The new id is past all of them.
    const before = await store.spaces();
    for (const other of before.others) {
      const view = await store.openSpace(other);
      const meta = await view.readMeta();
      await view.close();
      if (meta === null || meta.building === true) {
        this.#o.logger.warn({ space: other }, 'embedding migration: dropping a space an earlier migration left half-built');
        await store.dropSpace(other, collections);
      }
    }
    const toSpace = nextSpaceId([before.live, ...before.others]);
    this.#status = { ...this.#status, fromSpace: before.live, toSpace };
    const view = await store.openSpace(toSpace);
    const space: TargetSpace = { store: view, embedder: target };
    let switched = false;
    try {
      const meta = { modelId: target.modelId, dimension: target.dimension, createdAt: new Date().toISOString() };
      await view.writeMeta({ ...meta, building: true });
      for (const spec of specs(target.dimension)) await view.ensureCollection(spec);

      let total = 0;
      for (const r of rebuilders) total += await store.count(r.collection);
      this.#status = { ...this.#status, total };
      let lastLog = 0;
      for (const rebuilder of rebuilders) {
        this.#status = { ...this.#status, collection: rebuilder.collection };
        // One pass over the collection as it is now; what changes meanwhile is noted and copied again below.
        const copy = async (records: StoredRecord[]) => {
          this.#checkNotStopping();
          if (records.length > 0) await view.upsert(rebuilder.collection, await rebuilder.rebuild(records, space));
          this.#status = { ...this.#status, done: this.#status.done + records.length };
          if (Date.now() - lastLog > PROGRESS_LOG_MS) {
            lastLog = Date.now();
            this.#o.logger.info({ collection: rebuilder.collection, done: this.#status.done, total }, 'embedding migration: copying');
          }
        };
        let pending: StoredRecord[] = [];
        for await (const batch of store.stream(rebuilder.collection, { withVector: false })) {
          for (const record of batch) {
            pending.push(record);
            if (pending.length === this.#o.batchSize) {
              await copy(pending);
              pending = [];
            }
          }
        }
        await copy(pending);
        this.#o.logger.info({ collection: rebuilder.collection, done: this.#status.done, total }, 'embedding migration: copied');
      }

      this.#status = { ...this.#status, phase: 'catching-up', collection: null };
      for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
        this.#checkNotStopping();
        const applied = await this.#applyNoted(space);
        if (applied < this.#o.batchSize) break;
      }

      // Indexed and optimised before it serves (and before writers are held).
      await view.finishBackgroundWork();
      this.#status = { ...this.#status, phase: 'switching' };
      this.#checkNotStopping();
      await this.#o.gate.exclusive(async () => {
        await this.#o.beforeSwitch?.();
        const last = await this.#applyNoted(space);
        await view.writeMeta(meta);
        const previous = await store.activateSpace(toSpace, collections, { keepPrevious: this.#o.keepPrevious });
        switched = true;
        this.#noted = undefined;
        this.#o.embedder.switchTo(target);
        this.#o.logger.info({ from: previous, to: toSpace, model: target.modelId, copiedAtSwitch: last }, 'embedding migration: switched');
        await this.#o.afterSwitch?.();
      });
      this.#status = { ...this.#status, phase: 'done', finishedAt: new Date().toISOString() };
    } catch (error) {
      if (!switched && !(error instanceof StoppedError)) {
        await view.close().catch(() => undefined);
        await store.dropSpace(toSpace, collections).catch((e: unknown) => this.#o.logger.warn({ err: e, space: toSpace }, 'could not drop the half-built space'));
      }
      throw error;
    } finally {
      await view.close().catch(() => undefined);
    }
  }

  #note(collection: string, written: WrittenRecords): void {
    if (this.#noted === undefined) return;
    const entry = this.#noted.get(collection) ?? { ids: new Set<string>(), filters: [] };
    if ('ids' in written) for (const id of written.ids) entry.ids.add(id);
    else entry.filters.push(written);
    this.#noted.set(collection, entry);
  }

  /**
   * Copies the records noted so far again, in build order: deletions by filter are replayed,
   * then each noted id is read from the live space and rebuilt, or deleted when it is gone.
   */
  async #applyNoted(space: TargetSpace): Promise<number> {
    const noted = this.#noted;
    if (noted === undefined) return 0;
    let applied = 0;
    for (const rebuilder of this.#o.rebuilders) {
      const entry = noted.get(rebuilder.collection);
      if (entry === undefined) continue;
      noted.delete(rebuilder.collection);
      for (const selector of entry.filters) await space.store.delete(rebuilder.collection, selector);
      const ids = [...entry.ids];
      for (let i = 0; i < ids.length; i += this.#o.batchSize) {
        const part = ids.slice(i, i + this.#o.batchSize);
        const live: StoredRecord[] = await this.#o.store.get(rebuilder.collection, part);
        const found = new Set(live.map((r) => r.id));
        const gone = part.filter((id) => !found.has(id));
        if (live.length > 0) await space.store.upsert(rebuilder.collection, await rebuilder.rebuild(live, space));
        if (gone.length > 0) await space.store.delete(rebuilder.collection, { ids: gone });
      }
      applied += ids.length + entry.filters.length;
    }
    return applied;
  }
}

function idleStatus(): MigrationStatus {
  return {
    phase: 'idle',
    reason: null,
    fromModel: null,
    toModel: null,
    fromSpace: null,
    toSpace: null,
    collection: null,
    done: 0,
    total: 0,
    startedAt: null,
    finishedAt: null,
    error: null,
  };
}
