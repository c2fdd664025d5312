/**
 * Vector store on a Qdrant server (REST, @qdrant/js-client-rest).
 *
 * - Collections are named `<prefix><name>` with one unnamed cosine vector; a payload index is
 *   created for every indexed field (keyword[] fields use a keyword index, which matches arrays
 *   element-wise).
 * - Point ids are UUIDv5 of the external id over a fixed namespace; the external id is kept in
 *   the payload under `_id` and stripped from payloads handed back.
 * - A small `<prefix>_meta` collection (1-d vectors) holds the model metadata and each
 *   collection's spec, so a restarted service knows which fields are indexed.
 * - Writes use `wait: true`: when a call returns, its effect is visible to reads.
 *   Upserts go in batches of `batchSize` points; a call that fails midway may have written
 *   earlier batches (upserts are idempotent, so retrying the call converges).
 * - Scroll follows Qdrant's point-id order (the UUIDs, not the external ids): stable across
 *   calls, and the cursor is the next point id, which stays valid if that point is deleted.
 */
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import {
  StoreUsageError,
  type CollectionSpec,
  type Filter,
  type IndexedFieldType,
  type Payload,
  type PayloadUpdate,
  type ScoredRecord,
  type ScrollOptions,
  type ScrollPage,
  type SearchOptions,
  type StoreMeta,
  type StoredRecord,
  type VectorRecord,
  type VectorStore, RecommendOptions } from './port.js';
import {
  RESERVED_PAYLOAD_KEY,
  checkCollectionName,
  checkFilter,
  checkLimit,
  checkPayload,
  checkSpec,
  chunks,
  distinctIds,
  normalizedVector,
  prepareRecords,
} from './store-rules.js';
import { filterToQdrant } from './qdrant-filter.js';
import { isUuid, uuidV5 } from './uuid-v5.js';

export interface QdrantStoreOptions {
  /** Server URL, e.g. http://localhost:6333 (a path, as behind a reverse proxy, is kept). */
  url: string;
  apiKey?: string;
  /** Prepended to every collection name so several deployments can share a server. Default "segmentql_". */
  prefix?: string;
  /** Points per upsert request. Default 256. */
  batchSize?: number;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
}

/** Fixed namespace for point ids: changing it would orphan every stored point. */
const POINT_NAMESPACE = '3f6c2a4e-9d1b-5e7a-8c40-6b2f1d9e0a57';
const STORE_META_POINT = uuidV5('store-meta', POINT_NAMESPACE);
const IDS_PER_REQUEST = 1000;
const OPERATIONS_PER_REQUEST = 500;
const PREFIX = /^[A-Za-z0-9_-]*$/;

type QdrantPoint = Schemas['Record'] | Schemas['ScoredPoint'];
type PayloadSchemaType = Schemas['PayloadSchemaType'];

function pointId(id: string): string {
  return uuidV5(id, POINT_NAMESPACE);
}

function indexType(type: IndexedFieldType): PayloadSchemaType {
  return type === 'keyword[]' ? 'keyword' : type;
}

export class QdrantStore implements VectorStore {
  readonly backend = 'qdrant';
  readonly #client: QdrantClient;
  readonly #prefix: string;
  readonly #metaCollection: string;
  readonly #batchSize: number;
  readonly #specs = new Map<string, CollectionSpec>();
  #closed = false;

  private constructor(client: QdrantClient, prefix: string, batchSize: number) {
    this.#client = client;
    this.#prefix = prefix;
    this.#metaCollection = `${prefix}_meta`;
    this.#batchSize = batchSize;
  }

  /** Connects and creates the meta collection if needed; fails when the server is unreachable. */
  static async open(options: QdrantStoreOptions): Promise<QdrantStore> {
    const prefix = options.prefix ?? 'segmentql_';
    if (!PREFIX.test(prefix)) throw new StoreUsageError(`Invalid collection prefix ${JSON.stringify(prefix)}`);
    const batchSize = options.batchSize ?? 256;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new StoreUsageError(`Invalid batch size ${batchSize}`);
    // The client takes a path only through `prefix`, and refuses it inside `url`.
    const url = new URL(options.url);
    const path = url.pathname.replace(/\/+$/, '');
    const client = new QdrantClient({
      url: url.origin,
      ...(path !== '' && { prefix: path }),
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      timeout: options.timeoutMs ?? 60_000,
      // We check reachability ourselves; the built-in check only logs to the console.
      checkCompatibility: false,
    });
    const store = new QdrantStore(client, prefix, batchSize);
    await store.#createCollection(store.#metaCollection, 1);
    return store;
  }

  // -------------------------------------------------------------------------------------------
  // Collections

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.#checkOpen();
    checkSpec(spec);
    const name = this.#qualified(spec.name);
    const created = await this.#createCollection(name, spec.dimension);
    const info = await this.#call('read collection', () => this.#client.getCollection(name));
    const size = vectorSize(info.config.params.vectors);
    if (size !== spec.dimension) {
      throw new StoreUsageError(
        `Collection ${name} holds ${size === undefined ? 'named' : `${size}-d`} vectors, not ${spec.dimension}-d`,
      );
    }
    for (const field of spec.indexedFields) {
      const wanted = indexType(field.type);
      if (!created && info.payload_schema[field.name]?.data_type === wanted) continue;
      await this.#call('create payload index', () =>
        this.#client.createPayloadIndex(name, { field_name: field.name, field_schema: wanted, wait: true }),
      );
    }
    const stored: CollectionSpec = { name: spec.name, dimension: spec.dimension, indexedFields: spec.indexedFields.map((f) => ({ ...f })) };
    await this.#putMeta(specPointId(spec.name), { kind: 'collection', spec: stored });
    this.#specs.set(spec.name, stored);
  }

  /** Creates a cosine collection unless it exists; true when this call created it. */
  async #createCollection(name: string, size: number): Promise<boolean> {
    const { exists } = await this.#call('check collection', () => this.#client.collectionExists(name));
    if (exists) return false;
    try {
      await this.#client.createCollection(name, { vectors: { size, distance: 'Cosine' } });
      return true;
    } catch (error) {
      // Created concurrently by another instance (Qdrant answers 409 or 400 "already exists"): fine.
      const raced = await this.#client.collectionExists(name).then((r) => r.exists, () => false);
      if (raced) return false;
      throw qdrantError('create collection', error);
    }
  }

  /** The collection's spec: from this process's ensureCollection, else from the meta collection. */
  async #spec(collection: string): Promise<CollectionSpec> {
    this.#checkOpen();
    checkCollectionName(collection);
    const cached = this.#specs.get(collection);
    if (cached !== undefined) return cached;
    const stored = await this.#getMeta(specPointId(collection));
    const spec = stored?.kind === 'collection' ? (stored.spec as CollectionSpec) : undefined;
    if (spec === undefined) throw new StoreUsageError(`Unknown collection ${collection}: call ensureCollection first`);
    this.#specs.set(collection, spec);
    return spec;
  }

  #qualified(collection: string): string {
    return `${this.#prefix}${collection}`;
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  async upsert(collection: string, records: VectorRecord[]): Promise<void> {
    const spec = await this.#spec(collection);
    const prepared = prepareRecords(spec, records);
    const name = this.#qualified(collection);
    for (const batch of chunks(prepared, this.#batchSize)) {
      const points: Schemas['PointStruct'][] = batch.map((r) => ({
        id: pointId(r.id),
        vector: Array.from(r.vector),
        payload: { ...r.payload, [RESERVED_PAYLOAD_KEY]: r.id },
      }));
      await this.#call('upsert', () => this.#client.upsert(name, { wait: true, points }), collection);
    }
  }

  async setPayload(collection: string, updates: PayloadUpdate[]): Promise<void> {
    const spec = await this.#spec(collection);
    for (const update of updates) checkPayload(spec, update.payload, true);
    distinctIds(updates.map((u) => u.id));
    const operations = payloadOperations(updates);
    const name = this.#qualified(collection);
    for (const part of chunks(operations, OPERATIONS_PER_REQUEST)) {
      await this.#call('update payloads', () => this.#client.batchUpdate(name, { wait: true, operations: part }), collection);
    }
  }

  async delete(collection: string, selector: { ids: string[] } | { filter: Filter }): Promise<void> {
    const spec = await this.#spec(collection);
    const name = this.#qualified(collection);
    if ('ids' in selector) {
      for (const part of chunks(distinctIds(selector.ids), IDS_PER_REQUEST)) {
        await this.#call('delete', () => this.#client.delete(name, { wait: true, points: part.map(pointId) }), collection);
      }
      return;
    }
    const filter = checkFilter(spec, selector.filter);
    if (filter.matchesNothing) return;
    // An empty Qdrant filter selects every point.
    const qfilter = filterToQdrant(filter) ?? {};
    await this.#call('delete', () => this.#client.delete(name, { wait: true, filter: qfilter }), collection);
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  async get(collection: string, ids: string[], options?: { withVector?: boolean }): Promise<StoredRecord[]> {
    await this.#spec(collection);
    const wanted = distinctIds(ids);
    const name = this.#qualified(collection);
    const withVector = options?.withVector ?? false;
    const found = new Map<string, StoredRecord>();
    for (const part of chunks(wanted, IDS_PER_REQUEST)) {
      const points = await this.#call(
        'retrieve',
        () => this.#client.retrieve(name, { ids: part.map(pointId), with_payload: true, with_vector: withVector }),
        collection,
      );
      for (const point of points) {
        const record = toStoredRecord(point, withVector);
        found.set(record.id, record);
      }
    }
    return wanted.flatMap((id) => found.get(id) ?? []);
  }

  async search(collection: string, vector: Float32Array, options: SearchOptions): Promise<ScoredRecord[]> {
    const spec = await this.#spec(collection);
    const query = normalizedVector(spec, vector, 'Query vector');
    checkLimit(options.limit, 'Search', true);
    const filter = checkFilter(spec, options.filter);
    if (options.limit === 0 || filter.matchesNothing) return [];
    const withVector = options.withVector ?? false;
    const qfilter = filterToQdrant(filter);
    const result = await this.#call(
      'search',
      () =>
        this.#client.query(this.#qualified(collection), {
          query: Array.from(query),
          limit: options.limit,
          with_payload: true,
          with_vector: withVector,
          ...(qfilter !== undefined && { filter: qfilter }),
        }),
      collection,
    );
    return result.points.map((point) => ({ ...toStoredRecord(point, withVector), score: point.score }));
  }

  /** Qdrant's own recommend query (average_vector strategy); unknown example ids are dropped first, as Qdrant rejects them. */
  async recommend(collection: string, options: RecommendOptions): Promise<ScoredRecord[]> {
    const spec = await this.#spec(collection);
    checkLimit(options.limit, 'Recommend', true);
    const filter = checkFilter(spec, options.filter);
    if (options.limit === 0 || filter.matchesNothing || options.positive.length === 0) return [];
    const known = new Set((await this.get(collection, [...options.positive, ...options.negative])).map((r) => r.id));
    const positive = [...new Set(options.positive)].filter((id) => known.has(id));
    const negative = [...new Set(options.negative)].filter((id) => known.has(id) && !positive.includes(id));
    if (positive.length === 0) return [];
    const withVector = options.withVector ?? false;
    const qfilter = filterToQdrant(filter);
    const result = await this.#call(
      'recommend',
      () =>
        this.#client.query(this.#qualified(collection), {
          query: { recommend: { positive: positive.map(pointId), negative: negative.map(pointId), strategy: 'average_vector' } },
          limit: options.limit,
          with_payload: true,
          with_vector: withVector,
          ...(qfilter !== undefined && { filter: qfilter }),
        }),
      collection,
    );
    return result.points.map((point) => ({ ...toStoredRecord(point, withVector), score: point.score }));
  }

  async scroll(collection: string, options: ScrollOptions): Promise<ScrollPage> {
    const spec = await this.#spec(collection);
    checkLimit(options.limit, 'Scroll', false);
    if (options.cursor !== undefined && !isUuid(options.cursor)) throw new StoreUsageError('Invalid scroll cursor');
    const filter = checkFilter(spec, options.filter);
    if (filter.matchesNothing) return { records: [] };
    const withVector = options.withVector ?? false;
    const qfilter = filterToQdrant(filter);
    const result = await this.#call(
      'scroll',
      () =>
        this.#client.scroll(this.#qualified(collection), {
          limit: options.limit,
          with_payload: true,
          with_vector: withVector,
          ...(options.cursor !== undefined && { offset: options.cursor }),
          ...(qfilter !== undefined && { filter: qfilter }),
        }),
      collection,
    );
    const records = result.points.map((point) => toStoredRecord(point, withVector));
    const next = result.next_page_offset;
    return typeof next === 'string' || typeof next === 'number' ? { records, nextCursor: String(next) } : { records };
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const spec = await this.#spec(collection);
    const checked = checkFilter(spec, filter);
    if (checked.matchesNothing) return 0;
    const qfilter = filterToQdrant(checked);
    const result = await this.#call(
      'count',
      () => this.#client.count(this.#qualified(collection), { exact: true, ...(qfilter !== undefined && { filter: qfilter }) }),
      collection,
    );
    return result.count;
  }

  // -------------------------------------------------------------------------------------------
  // Meta, health, lifecycle

  async readMeta(): Promise<StoreMeta | null> {
    this.#checkOpen();
    const stored = await this.#getMeta(STORE_META_POINT);
    return stored?.kind === 'store' ? (stored.meta as StoreMeta) : null;
  }

  async writeMeta(meta: StoreMeta): Promise<void> {
    this.#checkOpen();
    await this.#putMeta(STORE_META_POINT, { kind: 'store', meta: { ...meta } });
  }

  async #getMeta(id: string): Promise<Payload | undefined> {
    const [point] = await this.#call('read meta', () =>
      this.#client.retrieve(this.#metaCollection, { ids: [id], with_payload: true, with_vector: false }),
    );
    return point?.payload ?? undefined;
  }

  async #putMeta(id: string, payload: Payload): Promise<void> {
    await this.#call('write meta', () =>
      this.#client.upsert(this.#metaCollection, { wait: true, points: [{ id, vector: [1], payload }] }),
    );
  }

  async ping(): Promise<void> {
    this.#checkOpen();
    await this.#call('ping', () => this.#client.collectionExists(this.#metaCollection));
  }

  async close(): Promise<void> {
    // The REST client holds no connections that need closing.
    this.#closed = true;
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreUsageError('The store is closed');
  }

  /** Runs a client call, turning HTTP errors into readable ones (404 on a collection → StoreUsageError). */
  async #call<T>(operation: string, fn: () => Promise<T>, collection?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (collection !== undefined && statusOf(error) === 404 && /collection/i.test(detailOf(error))) {
        this.#specs.delete(collection);
        throw new StoreUsageError(`Unknown collection ${collection}: ${detailOf(error)}`);
      }
      throw qdrantError(operation, error);
    }
  }
}

function specPointId(collection: string): string {
  return uuidV5(`collection:${collection}`, POINT_NAMESPACE);
}

function vectorSize(config: Schemas['VectorsConfig'] | undefined): number | undefined {
  return config !== undefined && 'size' in config && typeof config.size === 'number' ? config.size : undefined;
}

function toStoredRecord(point: QdrantPoint, withVector: boolean): StoredRecord {
  const payload: Payload = { ...(point.payload ?? {}) };
  const external = payload[RESERVED_PAYLOAD_KEY];
  delete payload[RESERVED_PAYLOAD_KEY];
  const record: StoredRecord = { id: typeof external === 'string' ? external : String(point.id), payload };
  if (withVector) {
    const vector = point.vector;
    if (!Array.isArray(vector) || (vector.length > 0 && typeof vector[0] !== 'number')) {
      throw new Error(`Qdrant returned no plain vector for point ${String(point.id)}`);
    }
    record.vector = Float32Array.from(vector as number[]);
  }
  return record;
}

/**
 * Payload updates as Qdrant operations. Updates of one id are folded into one patch first
 * (later keys win, null means delete), so grouping ids that share a patch cannot reorder
 * updates of the same record. `has_id` filters (unlike point lists) skip unknown ids silently.
 */
export function payloadOperations(updates: readonly PayloadUpdate[]): Schemas['UpdateOperation'][] {
  const folded = new Map<string, Payload>();
  for (const { id, payload } of updates) {
    const patch = folded.get(id) ?? {};
    for (const [key, value] of Object.entries(payload)) if (value !== undefined) patch[key] = value;
    folded.set(id, patch);
  }
  const sets = new Map<string, { payload: Payload; ids: string[] }>();
  const deletes = new Map<string, { keys: string[]; ids: string[] }>();
  for (const [id, patch] of folded) {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
    const keys = Object.keys(patch).filter((k) => patch[k] === null).sort();
    if (Object.keys(set).length > 0) {
      const key = JSON.stringify(set);
      const group = sets.get(key) ?? { payload: set, ids: [] };
      group.ids.push(pointId(id));
      sets.set(key, group);
    }
    if (keys.length > 0) {
      const key = JSON.stringify(keys);
      const group = deletes.get(key) ?? { keys, ids: [] };
      group.ids.push(pointId(id));
      deletes.set(key, group);
    }
  }
  const byIds = (ids: string[]): Schemas['Filter'] => ({ must: [{ has_id: ids }] });
  return [
    ...[...sets.values()].map((g): Schemas['UpdateOperation'] => ({ set_payload: { payload: g.payload, filter: byIds(g.ids) } })),
    ...[...deletes.values()].map((g): Schemas['UpdateOperation'] => ({ delete_payload: { keys: g.keys, filter: byIds(g.ids) } })),
  ];
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function detailOf(error: unknown): string {
  const data = (error as { data?: { status?: { error?: unknown } } } | null)?.data;
  const detail = data?.status?.error;
  if (typeof detail === 'string') return detail;
  return error instanceof Error ? error.message : String(error);
}

function qdrantError(operation: string, error: unknown): Error {
  const status = statusOf(error);
  return new Error(`Qdrant ${operation} failed${status === undefined ? '' : ` (HTTP ${status})`}: ${detailOf(error)}`, {
    cause: error,
  });
}
