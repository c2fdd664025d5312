import type { Logger } from 'pino';
import type { Embedder } from '../embedding/port.js';
import type { SwitchableEmbedder } from '../embedding/switchable-embedder.js';
import { itemFromRecord, itemText } from '../items/item.js';
import type { ProfileService } from '../profiles/profile-service.js';
import { ITEMS, USERS } from '../store/collections.js';
import type { KeyedLock } from '../store/keyed-lock.js';
import type { VectorStore } from '../store/port.js';
import { scrollAll } from '../store/scroll-all.js';

/**
 * Moves the service to another embedder of the same dimension: every later write and query uses
 * `target`, every stored user and item is re-embedded with it, and the store's model metadata names it.
 * THE one place that does this; create-app injects it into the corpus fit, so that a migration to a
 * new physical collection (built elsewhere) can replace it without touching anything else.
 */
export type SwitchEmbedder = (target: Embedder, reason: string, options?: SwitchOptions) => Promise<void>;

export interface SwitchOptions {
  readonly onProgress?: (progress: ReembedProgress) => void;
  /** Aborted at shutdown: the switch stops between batches and rejects; the corpus fit resumes it at the next start. */
  readonly signal?: AbortSignal;
}

export interface ReembedProgress {
  /** Records re-embedded so far (items first, then users). */
  readonly done: number;
  readonly total: number;
}

export interface ReembedInPlaceDependencies {
  readonly store: VectorStore;
  /** What services embed with; switched to the target first. */
  readonly serving: SwitchableEmbedder;
  /** Rebuilds a user's profile vector (text and behaviour) under the user's lock. */
  readonly profiles: ProfileService;
  readonly itemLocks: KeyedLock;
  readonly batchSize: number;
  readonly logger: Logger;
}

/**
 * The interim switch: re-embeds in place, in the live collections.
 *
 * Discipline: the serving embedder switches to the target BEFORE the pass, so every write from then on
 * (upserts, profile refreshes) already has the target's vectors; the pass then rewrites every record
 * that existed, each batch under the records' locks (the same `userLocks`/`itemLocks` every writer
 * holds), reading the record inside the lock: a record updated meanwhile is re-embedded from its new
 * text, never written back from a stale copy, and a record deleted meanwhile stays deleted. Items go
 * first, since a user's profile vector blends the vectors of the items they engaged with.
 *
 * What it does not give: until the pass ends, vectors of the old and the new embedder coexist in the
 * collections, so similarity and segment assignment compare across the two for records not yet
 * rewritten (queries keep working, with that blur). The store's metadata names the target only once
 * every record is rewritten; a crash before that leaves it naming the old one, and the corpus fit
 * resumes the pass at start (see CorpusFitService.start).
 */
export function reembedInPlace(deps: ReembedInPlaceDependencies): SwitchEmbedder {
  return async (target, reason, { onProgress, signal } = {}) => {
    const { store, serving, profiles, itemLocks, batchSize, logger } = deps;
    const from = serving.modelId;
    serving.switchTo(target);
    const itemIds = await allIds(store, ITEMS);
    // Counted now for progress; listed again after the items, below.
    let total = itemIds.length + (await store.count(USERS));
    let done = 0;
    logger.info({ from, to: target.modelId, reason, items: itemIds.length, users: total - itemIds.length }, 're-embedding every item and user');
    onProgress?.({ done, total });
    for (let i = 0; i < itemIds.length; i += batchSize) {
      signal?.throwIfAborted();
      const ids = itemIds.slice(i, i + batchSize);
      await itemLocks.runAll(ids, async () => {
        const records = await store.get(ITEMS, ids);
        if (records.length === 0) return;
        const vectors = await target.embed(records.map((r) => itemText(itemFromRecord(r))));
        await store.upsert(ITEMS, records.map((r, j) => ({ id: r.id, vector: vectors[j]!, payload: r.payload })));
      });
      done += ids.length;
      onProgress?.({ done, total });
    }
    // Listed after the items pass: a user created during it may have blended old item vectors into their profile.
    const userIds = await allIds(store, USERS);
    total = itemIds.length + userIds.length;
    for (let i = 0; i < userIds.length; i += batchSize) {
      signal?.throwIfAborted();
      const ids = userIds.slice(i, i + batchSize);
      // Under the users' locks, reading each record inside them (ProfileService.refresh).
      await profiles.refresh(ids);
      done += ids.length;
      onProgress?.({ done, total });
    }
    await store.writeMeta({ modelId: target.modelId, dimension: target.dimension, createdAt: new Date().toISOString() });
    logger.info({ to: target.modelId, records: total }, 're-embedded every item and user');
  };
}

async function allIds(store: VectorStore, collection: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const record of scrollAll(store, collection, { limit: 5000 })) ids.push(record.id);
  return ids;
}
