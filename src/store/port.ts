/**
 * The vector store port: the only way services reach stored vectors and payloads.
 *
 * Two adapters implement it (embedded LanceDB, Qdrant) and one contract suite
 * (test/contract/store.contract.ts) holds both to the same behaviour.
 *
 * Ids are the application's external ids (strings). Adapters map them to their
 * own point ids (Qdrant: deterministic UUIDv5) and keep the external id in the payload.
 */

/** Scalar payload values that can be indexed and filtered on. */
export type Scalar = string | number | boolean;

/** Types of payload fields that can be filtered on (and are indexed by the backend). */
export type IndexedFieldType = 'keyword' | 'integer' | 'float' | 'bool' | 'keyword[]';

export interface IndexedField {
  name: string;
  type: IndexedFieldType;
}

export interface CollectionSpec {
  /** Logical collection name, e.g. "users". Adapters may prefix it. */
  name: string;
  /** Vector dimension; every vector written must have exactly this length. */
  dimension: number;
  /** Payload fields that filters may use. Filtering on any other field is an error. */
  indexedFields: IndexedField[];
}

export type Payload = Record<string, unknown>;

export interface VectorRecord {
  id: string;
  vector: Float32Array;
  payload: Payload;
}

export interface StoredRecord {
  id: string;
  payload: Payload;
  /** Present only when asked for with `withVector: true`. */
  vector?: Float32Array;
}

export interface ScoredRecord extends StoredRecord {
  /** Cosine similarity in [-1, 1], higher is closer. */
  score: number;
}

/**
 * One condition on an indexed payload field. Exactly one of the operators is set.
 * - eq: the field equals the value (for keyword[] fields: the array contains it)
 * - in: the field equals any of the values (keyword[]: contains any)
 * - isNull: true matches records where the field is absent/null, false where it is present
 * - range: numeric bounds, inclusive
 */
export interface Condition {
  field: string;
  eq?: Scalar;
  in?: Scalar[];
  isNull?: boolean;
  range?: { gte?: number; lte?: number };
}

/** All of `must` hold and none of `mustNot` hold. An empty filter matches everything. */
export interface Filter {
  must?: Condition[];
  mustNot?: Condition[];
}

export interface SearchOptions {
  limit: number;
  filter?: Filter;
  withVector?: boolean;
}

/** Recommendation by example records (Qdrant's recommend API; emulated elsewhere). */
export interface RecommendOptions {
  /** Ids of records to move towards (at least one, or the answer is empty). */
  positive: string[];
  /** Ids of records to move away from. */
  negative: string[];
  limit: number;
  filter?: Filter;
  withVector?: boolean;
}

export interface ScrollOptions {
  filter?: Filter;
  /** Page size. */
  limit: number;
  /** Opaque cursor from the previous page's `nextCursor`; absent for the first page. */
  cursor?: string;
  withVector?: boolean;
}

export interface StreamOptions {
  filter?: Filter;
  withVector?: boolean;
}

export interface ScrollPage {
  records: StoredRecord[];
  /** Absent when there are no more records. */
  nextCursor?: string;
}

export interface PayloadUpdate {
  id: string;
  /** Keys are merged into the stored payload; a key set to null is removed. */
  payload: Payload;
}

/** What the store remembers about the embedding model its vectors came from. */
export interface StoreMeta {
  modelId: string;
  dimension: number;
  createdAt: string;
  /** Set while a migration builds this space (src/migration/); a space left building by a crash is dropped and rebuilt. */
  building?: boolean;
}

/**
 * Embedding spaces: a space is one full set of the collections, built with one model. The
 * collection names callers use lead to the live space (Qdrant: collection aliases; LanceDB: a
 * pointer in its meta file). A migration builds another space beside it through `openSpace`,
 * then makes it live in one atomic step (`activateSpace`).
 * Space ids: `''` for collections made before spaces existed (plain names), otherwise `v<n>`.
 */
export interface SpaceList {
  live: string;
  /** Spaces that exist beside the live one (being built, or kept after a migration). */
  others: string[];
}

export interface VectorStore {
  /** Human-readable backend name for logs and /readyz ("lancedb", "qdrant"). */
  readonly backend: string;

  /** Creates the collection (and its payload indexes) if it does not exist. Idempotent. */
  ensureCollection(spec: CollectionSpec): Promise<void>;

  /**
   * Inserts or replaces records by id (whole payload and vector replaced).
   * Adapters write in batches; a call either writes all records or throws.
   */
  upsert(collection: string, records: VectorRecord[]): Promise<void>;

  /** Records for the ids that exist, in the order of `ids`; unknown ids are left out. */
  get(collection: string, ids: string[], options?: { withVector?: boolean }): Promise<StoredRecord[]>;

  /**
   * Which of `ids` are stored, in the order given (duplicates kept). Cheaper than `get`: no
   * payloads or vectors are read, and the embedded store answers new ids from memory.
   */
  existingIds(collection: string, ids: string[]): Promise<string[]>;

  /** Nearest records by cosine similarity, best first. */
  search(collection: string, vector: Float32Array, options: SearchOptions): Promise<ScoredRecord[]>;

  /**
   * Records nearest to the average of the positive examples, pushed away from the negative
   * ones (Qdrant's "average_vector" strategy: 2·avg(positive) − avg(negative)), best first.
   * The examples themselves and unknown example ids are left out.
   */
  recommend(collection: string, options: RecommendOptions): Promise<ScoredRecord[]>;

  /** Pages through every record matching the filter in a stable order. */
  scroll(collection: string, options: ScrollOptions): Promise<ScrollPage>;

  /**
   * Every record matching the filter, batch by batch, in no particular order: for jobs that read
   * a whole collection once (a segmentation run). Cheaper than paging with `scroll`, which keeps
   * an order: the embedded store reads one table version in one pass; Qdrant scrolls.
   */
  stream(collection: string, options: StreamOptions): AsyncIterable<StoredRecord[]>;

  /** Merges payload keys into existing records; unknown ids are ignored. */
  setPayload(collection: string, updates: PayloadUpdate[]): Promise<void>;

  /** Deletes records by ids or by filter. Returns nothing; unknown ids are ignored. */
  delete(collection: string, selector: { ids: string[] } | { filter: Filter }): Promise<void>;

  /** Number of records matching the filter (all when absent). */
  count(collection: string, filter?: Filter): Promise<number>;

  /** Model metadata of the live space, recorded when the store was first used; null for a new store. */
  readMeta(): Promise<StoreMeta | null>;
  writeMeta(meta: StoreMeta): Promise<void>;

  /** The live space and the others that exist (see SpaceList). */
  spaces(): Promise<SpaceList>;

  /**
   * The store as seen from a space that is not live: the same calls on that space's own
   * collections and meta. Creates the space's meta container if needed. The live space is refused.
   */
  openSpace(space: string): Promise<VectorStore>;

  /**
   * Makes `space` live for `collections` (and its meta) in one atomic step: from then on every
   * call through these names reaches the space's collections. The previous space's collections
   * are dropped unless `keepPrevious`. Returns the previous space's id.
   */
  activateSpace(space: string, collections: readonly string[], options: { keepPrevious: boolean }): Promise<string>;

  /** Drops a space that is not live: its collections among `collections`, and its meta. */
  dropSpace(space: string, collections: readonly string[]): Promise<void>;

  /**
   * Finishes the background work on the collections this store has ensured, so that they search
   * at full speed from the next call: a migration calls it on the new space before switching.
   * Qdrant: waits while a collection is `yellow` (optimising, indexing); LanceDB: compacts and
   * builds the indexes that are due now.
   */
  finishBackgroundWork(): Promise<void>;

  /** Cheap reachability check for /readyz. Throws when the backend is unreachable. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** Thrown by adapters for misuse the caller can fix (bad dimension, unindexed filter field, unknown collection). */
export class StoreUsageError extends Error {
  override name = 'StoreUsageError';
}
