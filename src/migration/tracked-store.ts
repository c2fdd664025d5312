import type {
  CollectionSpec,
  Filter,
  PayloadUpdate,
  RecommendOptions,
  ScoredRecord,
  ScrollOptions,
  ScrollPage,
  SearchOptions,
  SpaceList,
  StoreMeta,
  StoredRecord,
  StreamOptions,
  VectorRecord,
  VectorStore,
} from '../store/port.js';

/** What a write touched: ids, or every record matching a filter. */
export type WrittenRecords = { ids: string[] } | { filter: Filter };

/**
 * The store with every write reported once it has reached the live collections (also when it
 * failed part way): a migration notes what changed while it was copying, and copies those
 * records again before it switches (embedding-space-migration.ts).
 */
export class TrackedStore implements VectorStore {
  constructor(
    private readonly store: VectorStore,
    private readonly onWrite: (collection: string, written: WrittenRecords) => void,
  ) {}

  get backend(): string {
    return this.store.backend;
  }

  async #report(collection: string, written: WrittenRecords, write: Promise<void>): Promise<void> {
    try {
      await write;
    } finally {
      this.onWrite(collection, written);
    }
  }

  upsert(collection: string, records: VectorRecord[]): Promise<void> {
    return this.#report(collection, { ids: records.map((r) => r.id) }, this.store.upsert(collection, records));
  }

  setPayload(collection: string, updates: PayloadUpdate[]): Promise<void> {
    return this.#report(collection, { ids: updates.map((u) => u.id) }, this.store.setPayload(collection, updates));
  }

  delete(collection: string, selector: { ids: string[] } | { filter: Filter }): Promise<void> {
    return this.#report(collection, selector, this.store.delete(collection, selector));
  }

  ensureCollection(spec: CollectionSpec): Promise<void> {
    return this.store.ensureCollection(spec);
  }

  get(collection: string, ids: string[], options?: { withVector?: boolean }): Promise<StoredRecord[]> {
    return this.store.get(collection, ids, options);
  }

  existingIds(collection: string, ids: string[]): Promise<string[]> {
    return this.store.existingIds(collection, ids);
  }

  stream(collection: string, options: StreamOptions): AsyncIterable<StoredRecord[]> {
    return this.store.stream(collection, options);
  }

  search(collection: string, vector: Float32Array, options: SearchOptions): Promise<ScoredRecord[]> {
    return this.store.search(collection, vector, options);
  }

  recommend(collection: string, options: RecommendOptions): Promise<ScoredRecord[]> {
    return this.store.recommend(collection, options);
  }

  scroll(collection: string, options: ScrollOptions): Promise<ScrollPage> {
    return this.store.scroll(collection, options);
  }

  count(collection: string, filter?: Filter): Promise<number> {
    return this.store.count(collection, filter);
  }

  readMeta(): Promise<StoreMeta | null> {
    return this.store.readMeta();
  }

  writeMeta(meta: StoreMeta): Promise<void> {
    return this.store.writeMeta(meta);
  }

  spaces(): Promise<SpaceList> {
    return this.store.spaces();
  }

  openSpace(space: string): Promise<VectorStore> {
    return this.store.openSpace(space);
  }

  activateSpace(space: string, collections: readonly string[], options: { keepPrevious: boolean }): Promise<string> {
    return this.store.activateSpace(space, collections, options);
  }

  dropSpace(space: string, collections: readonly string[]): Promise<void> {
    return this.store.dropSpace(space, collections);
  }

  finishBackgroundWork(): Promise<void> {
    return this.store.finishBackgroundWork();
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
