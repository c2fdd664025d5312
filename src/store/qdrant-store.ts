/**
 * Vector store on a Qdrant server (REST, through the small transport in qdrant-http.ts).
 *
 * - Collections are named `<prefix><name>` with one unnamed cosine vector; a payload index is
 *   created for every indexed field (keyword[] fields use a keyword index, which matches arrays
 *   element-wise). An existing collection with another size or distance is refused.
 * - Point ids are UUIDv5 of the external id over a fixed namespace; the external id is kept in
 *   the payload under `_id` and stripped from payloads handed back.
 * - Embedding spaces (port.ts) are collection aliases: `<prefix><name>` is an alias of the
 *   physical collection `<prefix><name>_v<n>`, and `<prefix>_meta` of `<prefix>_meta_v<n>`, so the
 *   model metadata switches with the vectors. Every point request goes through the alias; a
 *   migration builds `_v<n+1>` beside it and swaps every alias in one `POST /collections/aliases`
 *   (delete_alias + create_alias per name, applied atomically by Qdrant). Collections of versions
 *   before aliases (plain `<prefix><name>`) are adopted as space `''` and served as they are; their
 *   first migration deletes them to give their names to the aliases (readme: "Qdrant").
 * - Each collection's spec (dimension, indexed fields) is kept in its Qdrant collection metadata,
 *   so a restarted service knows which fields are indexed and a snapshot carries it along.
 *   A small `<prefix>_meta` collection (1-d vectors) holds the model metadata (the store
 *   answers readMeta before any collection exists), and, from older versions, specs that are
 *   still read when a collection has none in its metadata.
 * - Writes use `wait=true` and must come back `completed`: when a call returns, its effect is
 *   visible to reads. With replicas, collections are created with write_consistency_factor =
 *   replication factor (unless configured lower), writes go with `ordering=strong` and reads
 *   with `consistency=majority`, so a read after an acknowledged write sees it.
 *   Upserts go in batches capped by count and by serialised bytes; a call that fails midway may
 *   have written earlier batches (upserts are idempotent, so retrying the call converges).
 * - Every request carries a server-side `timeout`; transient failures (429, 503, resets) are
 *   retried with capped exponential back-off (qdrant-retry.ts).
 * - Scroll follows Qdrant's point-id order (the UUIDs, not the external ids): stable across
 *   calls, and the cursor is the next point id, which stays valid if that point is deleted.
 */
import type { Schemas } from '@qdrant/js-client-rest';
import {
  StoreUsageError,
  type CollectionSpec,
  type Filter,
  type IndexedFieldType,
  type Payload,
  type PayloadUpdate,
  type RecommendOptions,
  type ScoredRecord,
  type ScrollOptions,
  type ScrollPage,
  type SearchOptions,
  type StoreMeta,
  type StreamOptions,
  type StoredRecord,
  type VectorRecord,
  type VectorStore,
} from './port.js';
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
import { QdrantHttp, QdrantHttpError, type QueryParams } from './qdrant-http.js';
import { compactVector, payloadKeyPath, sizedBatches } from './qdrant-requests.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './qdrant-retry.js';
import { isUuid, uuidV5 } from './uuid-v5.js';
import { FIRST_SPACE, checkSpaceId, spaceCollection, spaceOf } from './spaces.js';
import type { SpaceList } from './port.js';

export interface QdrantStoreOptions {
  /** Server URL, e.g. http://localhost:6333. Taken as written: no port means 80/443; a path (reverse proxy) is kept. */
  url: string;
  apiKey?: string;
  /** Prepended to every collection name so several deployments can share a server. Default "segmentql_". */
  prefix?: string;
  /** Most points per upsert request. Default 256. */
  batchSize?: number;
  /** Most serialised bytes of points (or payload operations) per request. Default 8 MiB (Qdrant refuses bodies over 32 MiB). */
  maxRequestBytes?: number;
  /** Per-attempt timeout. Default 60 s; the server is told to give up a second sooner. */
  timeoutMs?: number;
  /** How long ensureCollection waits for a new payload index to be built. Default 30 min. */
  indexTimeoutMs?: number;
  /** Retries of transient failures. Default 5 retries, 200 ms doubling up to 10 s, with jitter. */
  retry?: Partial<RetryPolicy>;
  /** Shards of a new collection. Default 1. Existing collections keep theirs. */
  shardNumber?: number;
  /** Replicas of each shard of a new collection. Default 1. */
  replicationFactor?: number;
  /** Replicas that must apply a write before it is acknowledged. Default: the replication factor. */
  writeConsistencyFactor?: number;
}

/** Fixed namespace for point ids: changing it would orphan every stored point. */
const POINT_NAMESPACE = '3f6c2a4e-9d1b-5e7a-8c40-6b2f1d9e0a57';
const STORE_META_POINT = uuidV5('store-meta', POINT_NAMESPACE);
const IDS_PER_REQUEST = 1000;
const OPERATIONS_PER_REQUEST = 500;
const PREFIX = /^[A-Za-z0-9_-]*$/;
const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** Key of the collection spec in Qdrant's collection metadata. */
const SPEC_METADATA_KEY = 'segmentql_spec';
/** Points per scroll request when streaming a whole collection. */
const STREAM_PAGE = 1000;

type QdrantPoint = Schemas['Record'] | Schemas['ScoredPoint'];
type PayloadSchemaType = Schemas['PayloadSchemaType'];
type UpdateResult = Schemas['UpdateResult'];

function pointId(id: string): string {
  return uuidV5(id, POINT_NAMESPACE);
}

function indexType(type: IndexedFieldType): PayloadSchemaType {
  return type === 'keyword[]' ? 'keyword' : type;
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new StoreUsageError(`Invalid ${what} ${v}`);
  return v;
}

interface Topology {
  shardNumber: number;
  replicationFactor: number;
  writeConsistencyFactor: number;
}

export class QdrantStore implements VectorStore {
  readonly backend = 'qdrant';
  readonly #http: QdrantHttp;
  readonly #prefix: string;
  readonly #metaCollection: string;
  readonly #batchSize: number;
  readonly #maxRequestBytes: number;
  readonly #indexTimeoutMs: number;
  readonly #topology: Topology;
  readonly #specs = new Map<string, CollectionSpec>();
  readonly #options: QdrantStoreOptions;
  /** The space this store addresses: for the live store the alias targets' space ('' for plain names), for a view its own. */
  #space: string;
  /** True for a view of a space that is not live (openSpace): it addresses physical collections. */
  readonly #view: boolean;
  #closed = false;

  private constructor(http: QdrantHttp, prefix: string, options: QdrantStoreOptions, topology: Topology, space: string, view: boolean) {
    this.#http = http;
    this.#prefix = prefix;
    this.#options = options;
    this.#space = space;
    this.#view = view;
    this.#metaCollection = view ? spaceCollection(`${prefix}_meta`, space) : `${prefix}_meta`;
    this.#batchSize = positiveInteger(options.batchSize, 256, 'batch size');
    this.#maxRequestBytes = positiveInteger(options.maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES, 'request size');
    this.#indexTimeoutMs = positiveInteger(options.indexTimeoutMs, 30 * 60_000, 'index timeout');
    this.#topology = topology;
  }

  /** Connects and creates the meta collection if needed; fails when the server is unreachable. */
  static async open(options: QdrantStoreOptions): Promise<QdrantStore> {
    const prefix = options.prefix ?? 'segmentql_';
    if (!PREFIX.test(prefix)) throw new StoreUsageError(`Invalid collection prefix ${JSON.stringify(prefix)}`);
    const shardNumber = positiveInteger(options.shardNumber, 1, 'shard number');
    const replicationFactor = positiveInteger(options.replicationFactor, 1, 'replication factor');
    const writeConsistencyFactor = positiveInteger(options.writeConsistencyFactor, replicationFactor, 'write consistency factor');
    if (writeConsistencyFactor > replicationFactor) {
      throw new StoreUsageError(`Write consistency factor ${writeConsistencyFactor} exceeds the replication factor ${replicationFactor}`);
    }
    const http = new QdrantHttp({
      url: options.url,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      timeoutMs: positiveInteger(options.timeoutMs, 60_000, 'timeout'),
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    });
    const topology = { shardNumber, replicationFactor, writeConsistencyFactor };
    const probe = new QdrantStore(http, prefix, options, topology, '', false);
    const space = await probe.#openLiveSpace();
    return new QdrantStore(http, prefix, options, topology, space, false);
  }

  /**
   * The live space, from where `<prefix>_meta` leads: an alias (its target's space), a plain
   * collection of a version before aliases (''), or nothing: a new deployment gets space v1.
   */
  async #openLiveSpace(): Promise<string> {
    const metaName = `${this.#prefix}_meta`;
    const live = await this.#liveSpaceOf(metaName);
    if (live !== undefined) return live;
    const physical = spaceCollection(metaName, FIRST_SPACE);
    await this.#createCollection(physical, 1);
    await this.#createAlias(metaName, physical);
    return (await this.#liveSpaceOf(metaName)) ?? FIRST_SPACE;
  }

  /** The space an alias or plain collection name leads to now; undefined when neither exists. */
  async #liveSpaceOf(name: string): Promise<string | undefined> {
    const target = (await this.#aliases()).get(name);
    if (target !== undefined) {
      const space = spaceOf(target, name);
      if (space === undefined) throw new StoreUsageError(`Alias ${name} leads to ${target}, which is not one of segmentql's spaces of ${name}`);
      return space;
    }
    return (await this.#exists(name)) ? '' : undefined;
  }

  /** Every alias on the server: alias name → collection name. */
  async #aliases(): Promise<Map<string, string>> {
    const result = await this.#call('list aliases', () => this.#http.request<Schemas['CollectionsAliasesResponse']>('GET', '/aliases'));
    return new Map(result.aliases.map((a) => [a.alias_name, a.collection_name]));
  }

  /** Creates an alias unless it exists already (another instance may have created it a moment ago). */
  async #createAlias(alias: string, collection: string): Promise<void> {
    try {
      await this.#changeAliases([{ create_alias: { alias_name: alias, collection_name: collection } }]);
    } catch (error) {
      if ((await this.#aliases()).get(alias) !== collection) throw error;
    }
  }

  /** One `POST /collections/aliases`: Qdrant applies its actions together, with no other collection change between them. */
  async #changeAliases(actions: Schemas['AliasOperations'][]): Promise<void> {
    await this.#call('change aliases', () =>
      this.#http.request('POST', '/collections/aliases', {
        query: { timeout: this.#http.serverTimeoutSeconds },
        body: { actions } satisfies Schemas['ChangeAliasesOperation'],
      }),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Request parameters

  /** Query parameters of every write: applied (not just queued) before the answer, in one order on every replica. */
  #writeParams(): QueryParams {
    return {
      wait: true,
      ...(this.#topology.replicationFactor > 1 && { ordering: 'strong' }),
      timeout: this.#http.serverTimeoutSeconds,
    };
  }

  /** Query parameters of every read: with replicas, ask a majority so one lagging replica cannot answer alone. */
  #readParams(): QueryParams {
    return {
      ...(this.#topology.replicationFactor > 1 && { consistency: 'majority' }),
      timeout: this.#http.serverTimeoutSeconds,
    };
  }

  #path(collection: string, rest = ''): string {
    return `/collections/${encodeURIComponent(collection)}${rest}`;
  }

  /** Sends a write and insists Qdrant applied it: `acknowledged` or `wait_timeout` would break read-after-write. */
  async #write(operation: string, name: string, rest: string, body: unknown, collection?: string, rawBody?: string): Promise<void> {
    const result = await this.#call(
      operation,
      () => this.#http.request<UpdateResult | UpdateResult[]>(rest === '/points' ? 'PUT' : 'POST', this.#path(name, rest), {
        query: this.#writeParams(),
        ...(rawBody !== undefined ? { rawBody } : { body }),
      }),
      collection,
    );
    for (const r of Array.isArray(result) ? result : [result]) {
      if (r?.status !== 'completed') {
        throw new Error(`Qdrant ${operation} on ${name} was not completed (status ${JSON.stringify(r?.status)}): its effect may not be visible yet`);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Collections

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.#checkOpen();
    checkSpec(spec);
    const name = await this.#physicalForEnsure(spec.name, spec.dimension);
    const created = await this.#createCollection(name, spec.dimension);
    let info = await this.#collectionInfo(name);
    for (const field of spec.indexedFields) {
      const wanted = indexType(field.type);
      if (!created && info.payload_schema[field.name]?.data_type === wanted) continue;
      info = await this.#createIndex(name, field.name, wanted);
    }
    const stored: CollectionSpec = { name: spec.name, dimension: spec.dimension, indexedFields: spec.indexedFields.map((f) => ({ ...f })) };
    if (JSON.stringify(info.config.metadata?.[SPEC_METADATA_KEY]) !== JSON.stringify(stored)) {
      // Qdrant merges metadata keys, so other keys someone put there stay.
      await this.#call('write collection metadata', () =>
        this.#http.request('PATCH', this.#path(name), {
          query: { timeout: this.#http.serverTimeoutSeconds },
          body: { metadata: { [SPEC_METADATA_KEY]: stored } } satisfies Schemas['UpdateCollection'],
        }),
      );
    }
    this.#specs.set(spec.name, stored);
  }

  /**
   * The physical collection ensureCollection works on (indexes and metadata are set there, not
   * through an alias). A view's own; for the live store where the name leads, or for a new
   * collection, one in the live space with the alias created beside it.
   */
  async #physicalForEnsure(collection: string, dimension: number): Promise<string> {
    const name = this.#qualified(collection);
    if (this.#view) return name;
    const target = (await this.#aliases()).get(name);
    if (target !== undefined) return target;
    if (this.#space === '' || (await this.#exists(name))) return name;
    const physical = spaceCollection(name, this.#space);
    await this.#createCollection(physical, dimension);
    await this.#createAlias(name, physical);
    return physical;
  }

  /**
   * Creates a payload index without holding a request open while it is built (on a large
   * collection that outlasts any HTTP timeout), then polls until the collection reports it.
   */
  async #createIndex(name: string, field: string, type: PayloadSchemaType): Promise<Schemas['CollectionInfo']> {
    const result = await this.#call('create payload index', () =>
      this.#http.request<UpdateResult>('PUT', this.#path(name, '/index'), {
        query: { wait: false, timeout: this.#http.serverTimeoutSeconds },
        body: { field_name: field, field_schema: type },
      }),
    );
    if (result.status !== 'acknowledged' && result.status !== 'completed') {
      throw new Error(`Qdrant create payload index ${field} on ${name}: status ${JSON.stringify(result.status)}`);
    }
    const deadline = Date.now() + this.#indexTimeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
      const info = await this.#collectionInfo(name);
      if (info.payload_schema[field]?.data_type === type) return info;
      if (Date.now() > deadline) throw new Error(`Qdrant did not finish the ${type} index on ${name}.${field} within ${this.#indexTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** The collection's info, after checking it holds one unnamed cosine vector of the size wanted. */
  async #collectionInfo(name: string, dimension?: number): Promise<Schemas['CollectionInfo']> {
    const info = await this.#call('read collection', () => this.#http.request<Schemas['CollectionInfo']>('GET', this.#path(name)));
    if (dimension !== undefined) checkVectorsConfig(name, info.config.params.vectors, dimension);
    return info;
  }

  /** Creates a cosine collection unless it exists (then checks its vectors); true when this call created it. */
  async #createCollection(name: string, size: number): Promise<boolean> {
    const exists = await this.#exists(name);
    if (!exists) {
      try {
        const body: Schemas['CreateCollection'] = {
          vectors: { size, distance: 'Cosine' },
          shard_number: this.#topology.shardNumber,
          replication_factor: this.#topology.replicationFactor,
          write_consistency_factor: this.#topology.writeConsistencyFactor,
        };
        await this.#http.request('PUT', this.#path(name), { query: { timeout: this.#http.serverTimeoutSeconds }, body });
        return true;
      } catch (error) {
        // Created concurrently by another instance (Qdrant answers 409 or 400 "already exists"): check it below.
        if (!(await this.#exists(name).catch(() => false))) throw qdrantError('create collection', error);
      }
    }
    await this.#collectionInfo(name, size);
    return false;
  }

  async #exists(name: string): Promise<boolean> {
    const result = await this.#call('check collection', () => this.#http.request<{ exists: boolean }>('GET', this.#path(name, '/exists')));
    return result.exists;
  }

  /** The collection's spec: from this process's ensureCollection, else the collection's metadata (or an older version's meta point). */
  async #spec(collection: string): Promise<CollectionSpec> {
    this.#checkOpen();
    checkCollectionName(collection);
    const cached = this.#specs.get(collection);
    if (cached !== undefined) return cached;
    const name = this.#qualified(collection);
    const info = await this.#call('read collection', () => this.#http.request<Schemas['CollectionInfo']>('GET', this.#path(name)), collection);
    let spec = info.config.metadata?.[SPEC_METADATA_KEY] as CollectionSpec | undefined;
    if (spec === undefined) {
      const legacy = await this.#getMeta(specPointId(collection));
      spec = legacy?.kind === 'collection' ? (legacy.spec as CollectionSpec) : undefined;
    }
    if (spec === undefined) throw new StoreUsageError(`Unknown collection ${collection}: call ensureCollection first`);
    this.#specs.set(collection, spec);
    return spec;
  }

  /** The name requests use: the alias (or plain name) for the live store, the physical collection for a view. */
  #qualified(collection: string): string {
    const name = `${this.#prefix}${collection}`;
    return this.#view ? spaceCollection(name, this.#space) : name;
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  async upsert(collection: string, records: VectorRecord[]): Promise<void> {
    const spec = await this.#spec(collection);
    const prepared = prepareRecords(spec, records);
    const name = this.#qualified(collection);
    // Each point is serialised once: its size decides the batch, its text goes into the body.
    const points = prepared.map((r) =>
      JSON.stringify({ id: pointId(r.id), vector: compactVector(r.vector), payload: { ...r.payload, [RESERVED_PAYLOAD_KEY]: r.id } }),
    );
    for (const batch of sizedBatches(points, this.#batchSize, this.#maxRequestBytes)) {
      await this.#write('upsert', name, '/points', undefined, collection, `{"points":[${batch.join(',')}]}`);
    }
  }

  async setPayload(collection: string, updates: PayloadUpdate[]): Promise<void> {
    const spec = await this.#spec(collection);
    for (const update of updates) checkPayload(spec, update.payload, true);
    distinctIds(updates.map((u) => u.id));
    const name = this.#qualified(collection);
    const { operations, unaddressable } = payloadOperations(updates);
    const serialised = operations.map((op) => JSON.stringify(op));
    for (const part of sizedBatches(serialised, OPERATIONS_PER_REQUEST, this.#maxRequestBytes)) {
      await this.#write('update payloads', name, '/points/batch', undefined, collection, `{"operations":[${part.join(',')}]}`);
    }
    if (unaddressable.size > 0) await this.#deleteUnaddressableKeys(collection, name, unaddressable);
  }

  /**
   * Removes keys no JSON path can name (they contain `"` or `\`): reads each record and writes
   * its payload back without them. Not atomic with concurrent patches of the same record; such
   * keys never come from segmentql itself.
   */
  async #deleteUnaddressableKeys(collection: string, name: string, keysById: Map<string, string[]>): Promise<void> {
    const records = await this.get(collection, [...keysById.keys()]);
    const operations = records.map((record): Schemas['UpdateOperation'] => {
      const payload: Payload = { ...record.payload, [RESERVED_PAYLOAD_KEY]: record.id };
      for (const key of keysById.get(record.id) ?? []) delete payload[key];
      return { overwrite_payload: { payload, points: [pointId(record.id)] } };
    });
    const serialised = operations.map((op) => JSON.stringify(op));
    for (const part of sizedBatches(serialised, OPERATIONS_PER_REQUEST, this.#maxRequestBytes)) {
      await this.#write('update payloads', name, '/points/batch', undefined, collection, `{"operations":[${part.join(',')}]}`);
    }
  }

  async delete(collection: string, selector: { ids: string[] } | { filter: Filter }): Promise<void> {
    const spec = await this.#spec(collection);
    const name = this.#qualified(collection);
    if ('ids' in selector) {
      for (const part of chunks(distinctIds(selector.ids), IDS_PER_REQUEST)) {
        await this.#write('delete', name, '/points/delete', { points: part.map(pointId) }, collection);
      }
      return;
    }
    const filter = checkFilter(spec, selector.filter);
    if (filter.matchesNothing) return;
    // An empty Qdrant filter selects every point.
    const qfilter = filterToQdrant(filter) ?? {};
    await this.#write('delete', name, '/points/delete', { filter: qfilter }, collection);
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  async #read<T>(operation: string, collection: string, rest: string, body: unknown): Promise<T> {
    return this.#call(
      operation,
      () => this.#http.request<T>('POST', this.#path(this.#qualified(collection), rest), { query: this.#readParams(), body }),
      collection,
    );
  }

  async get(collection: string, ids: string[], options?: { withVector?: boolean }): Promise<StoredRecord[]> {
    await this.#spec(collection);
    const wanted = distinctIds(ids);
    const withVector = options?.withVector ?? false;
    const found = new Map<string, StoredRecord>();
    for (const part of chunks(wanted, IDS_PER_REQUEST)) {
      const points = await this.#read<Schemas['Record'][]>('retrieve', collection, '/points', {
        ids: part.map(pointId),
        with_payload: true,
        with_vector: withVector,
      });
      for (const point of points) {
        const record = toStoredRecord(point, withVector);
        found.set(record.id, record);
      }
    }
    return wanted.flatMap((id) => found.get(id) ?? []);
  }

  async existingIds(collection: string, ids: string[]): Promise<string[]> {
    await this.#spec(collection);
    const found = new Set<string>();
    for (const part of chunks(distinctIds(ids), IDS_PER_REQUEST)) {
      const points = await this.#read<Schemas['Record'][]>('retrieve', collection, '/points', {
        ids: part.map(pointId),
        with_payload: { include: [RESERVED_PAYLOAD_KEY] },
        with_vector: false,
      });
      for (const point of points) found.add(toStoredRecord(point, false).id);
    }
    return ids.filter((id) => found.has(id));
  }

  async search(collection: string, vector: Float32Array, options: SearchOptions): Promise<ScoredRecord[]> {
    const spec = await this.#spec(collection);
    const query = normalizedVector(spec, vector, 'Query vector');
    checkLimit(options.limit, 'Search', true);
    const filter = checkFilter(spec, options.filter);
    if (options.limit === 0 || filter.matchesNothing) return [];
    const withVector = options.withVector ?? false;
    const qfilter = filterToQdrant(filter);
    const result = await this.#read<Schemas['QueryResponse']>('search', collection, '/points/query', {
      query: compactVector(query),
      limit: options.limit,
      with_payload: true,
      with_vector: withVector,
      ...(qfilter !== undefined && { filter: qfilter }),
    });
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
    const result = await this.#read<Schemas['QueryResponse']>('recommend', collection, '/points/query', {
      query: { recommend: { positive: positive.map(pointId), negative: negative.map(pointId), strategy: 'average_vector' } },
      limit: options.limit,
      with_payload: true,
      with_vector: withVector,
      ...(qfilter !== undefined && { filter: qfilter }),
    });
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
    const result = await this.#read<Schemas['ScrollResult']>('scroll', collection, '/points/scroll', {
      limit: options.limit,
      with_payload: true,
      with_vector: withVector,
      ...(options.cursor !== undefined && { offset: options.cursor }),
      ...(qfilter !== undefined && { filter: qfilter }),
    });
    const records = result.points.map((point) => toStoredRecord(point, withVector));
    const next = result.next_page_offset;
    return typeof next === 'string' || typeof next === 'number' ? { records, nextCursor: String(next) } : { records };
  }

  /** Qdrant's scroll pages (ordered by point id, which costs Qdrant nothing extra). */
  async *stream(collection: string, options: StreamOptions): AsyncIterable<StoredRecord[]> {
    let cursor: string | undefined;
    do {
      const page = await this.scroll(collection, { filter: options.filter, withVector: options.withVector, limit: STREAM_PAGE, cursor });
      if (page.records.length > 0) yield page.records;
      cursor = page.nextCursor;
    } while (cursor);
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const spec = await this.#spec(collection);
    const checked = checkFilter(spec, filter);
    if (checked.matchesNothing) return 0;
    const qfilter = filterToQdrant(checked);
    const result = await this.#read<Schemas['CountResult']>('count', collection, '/points/count', {
      exact: true,
      ...(qfilter !== undefined && { filter: qfilter }),
    });
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
      this.#http.request<Schemas['Record'][]>('POST', this.#path(this.#metaCollection, '/points'), {
        query: this.#readParams(),
        body: { ids: [id], with_payload: true, with_vector: false },
      }),
    );
    return point?.payload ?? undefined;
  }

  async #putMeta(id: string, payload: Payload): Promise<void> {
    await this.#write('write meta', this.#metaCollection, '/points', { points: [{ id, vector: [1], payload }] });
  }

  // -------------------------------------------------------------------------------------------
  // Embedding spaces

  async spaces(): Promise<SpaceList> {
    this.#checkOpen();
    const metaName = `${this.#prefix}_meta`;
    const live = this.#view ? undefined : await this.#liveSpaceOf(metaName);
    const { collections } = await this.#call('list collections', () => this.#http.request<Schemas['CollectionsResponse']>('GET', '/collections'));
    const others = collections
      .map((c) => spaceOf(c.name, metaName))
      .filter((s): s is string => s !== undefined && s !== '' && s !== live);
    return { live: live ?? this.#space, others: [...new Set(others)].sort() };
  }

  async openSpace(space: string): Promise<QdrantStore> {
    this.#checkOpen();
    checkSpaceId(space);
    if (this.#view) throw new StoreUsageError('openSpace is called on the live store');
    if ((await this.spaces()).live === space) throw new StoreUsageError(`Space ${space} is live`);
    const view = new QdrantStore(this.#http, this.#prefix, this.#options, this.#topology, space, true);
    await view.#createCollection(view.#metaCollection, 1);
    return view;
  }

  async activateSpace(space: string, collections: readonly string[], options: { keepPrevious: boolean }): Promise<string> {
    this.#checkOpen();
    checkSpaceId(space);
    if (this.#view) throw new StoreUsageError('activateSpace is called on the live store');
    const metaName = `${this.#prefix}_meta`;
    const previous = await this.#liveSpaceOf(metaName);
    if (previous === space) return space;
    const names = [...collections.map((c) => `${this.#prefix}${c}`), metaName];
    for (const name of names) {
      if (!(await this.#exists(spaceCollection(name, space)))) throw new StoreUsageError(`Space ${space} has no collection ${spaceCollection(name, space)}`);
    }
    if (previous === '' || previous === undefined) {
      // Plain collections from before aliases: an alias cannot take a name a collection holds,
      // so they go first (requests through these names fail until the aliases exist, a moment later).
      for (const name of names) if (await this.#exists(name)) await this.#deleteCollection(name);
    }
    const current = await this.#aliases();
    await this.#changeAliases([
      ...names.filter((n) => current.has(n)).map((n): Schemas['AliasOperations'] => ({ delete_alias: { alias_name: n } })),
      ...names.map((n): Schemas['AliasOperations'] => ({ create_alias: { alias_name: n, collection_name: spaceCollection(n, space) } })),
    ]);
    this.#space = space;
    // Specs (dimensions) are the new space's from now on.
    this.#specs.clear();
    if (!options.keepPrevious && previous !== undefined && previous !== '') {
      for (const name of names) await this.#deleteCollection(spaceCollection(name, previous));
    }
    return previous ?? '';
  }

  async dropSpace(space: string, collections: readonly string[]): Promise<void> {
    this.#checkOpen();
    checkSpaceId(space);
    if (!this.#view && (await this.spaces()).live === space) throw new StoreUsageError(`Space ${space} is live and cannot be dropped`);
    for (const name of [...collections.map((c) => `${this.#prefix}${c}`), `${this.#prefix}_meta`]) {
      await this.#deleteCollection(spaceCollection(name, space));
    }
  }

  /**
   * Waits while Qdrant optimises or indexes the collections this store has ensured (`yellow`), up
   * to the index timeout; `grey` (optimisations waiting for a trigger) does not wait, `red` fails.
   */
  async finishBackgroundWork(): Promise<void> {
    this.#checkOpen();
    const deadline = Date.now() + this.#indexTimeoutMs;
    for (const collection of this.#specs.keys()) {
      const name = this.#qualified(collection);
      for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
        const { status } = await this.#collectionInfo(name);
        if (status === 'red') throw new Error(`Qdrant reports collection ${name} as red (an optimisation failed)`);
        if (status !== 'yellow') break;
        if (Date.now() > deadline) throw new Error(`Qdrant did not finish optimising ${name} within ${this.#indexTimeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Deletes a physical collection; one that does not exist is fine. */
  async #deleteCollection(name: string): Promise<void> {
    try {
      await this.#http.request('DELETE', this.#path(name), { query: { timeout: this.#http.serverTimeoutSeconds } });
    } catch (error) {
      if (!(error instanceof QdrantHttpError && error.status === 404)) throw qdrantError('delete collection', error);
    }
  }

  async ping(): Promise<void> {
    this.#checkOpen();
    await this.#call('ping', () => this.#http.request('GET', this.#path(this.#metaCollection, '/exists')));
  }

  async close(): Promise<void> {
    // fetch's connection pool needs no closing.
    this.#closed = true;
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreUsageError('The store is closed');
  }

  /** Runs a request, turning HTTP errors into readable ones (404 on a collection → StoreUsageError). */
  async #call<T>(operation: string, fn: () => Promise<T>, collection?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (collection !== undefined && error instanceof QdrantHttpError && error.status === 404 && /collection/i.test(error.detail)) {
        this.#specs.delete(collection);
        throw new StoreUsageError(`Unknown collection ${collection}: ${error.detail}`);
      }
      throw qdrantError(operation, error);
    }
  }
}

/** Where versions before collection metadata kept a collection's spec (still read, never written). */
export function specPointId(collection: string): string {
  return uuidV5(`collection:${collection}`, POINT_NAMESPACE);
}

/** Refuses a collection whose vectors are named, of another size, or not cosine (scores would not be cosine similarities). */
function checkVectorsConfig(name: string, config: Schemas['VectorsConfig'] | undefined, dimension: number): void {
  if (config === undefined || !('size' in config) || typeof config.size !== 'number') {
    throw new StoreUsageError(`Collection ${name} holds named vectors; segmentql needs one unnamed vector`);
  }
  if (config.size !== dimension) throw new StoreUsageError(`Collection ${name} holds ${config.size}-d vectors, not ${dimension}-d`);
  if (config.distance !== 'Cosine') {
    throw new StoreUsageError(`Collection ${name} uses ${config.distance} distance; segmentql needs Cosine (scores are cosine similarities)`);
  }
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
 * Keys to delete are sent as quoted JSON paths (`"a.b"` is the top-level key a.b, not b in a);
 * keys no path can name come back in `unaddressable` for the caller to remove another way.
 */
export function payloadOperations(updates: readonly PayloadUpdate[]): {
  operations: Schemas['UpdateOperation'][];
  unaddressable: Map<string, string[]>;
} {
  const folded = new Map<string, Payload>();
  for (const { id, payload } of updates) {
    const patch = folded.get(id) ?? {};
    for (const [key, value] of Object.entries(payload)) if (value !== undefined) patch[key] = value;
    folded.set(id, patch);
  }
  const sets = new Map<string, { payload: Payload; ids: string[] }>();
  const deletes = new Map<string, { keys: string[]; ids: string[] }>();
  const unaddressable = new Map<string, string[]>();
  for (const [id, patch] of folded) {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
    const removed = Object.keys(patch).filter((k) => patch[k] === null).sort();
    const paths = removed.flatMap((k) => payloadKeyPath(k) ?? []);
    const unnamed = removed.filter((k) => payloadKeyPath(k) === undefined);
    if (unnamed.length > 0) unaddressable.set(id, unnamed);
    if (Object.keys(set).length > 0) {
      const key = JSON.stringify(set);
      const group = sets.get(key) ?? { payload: set, ids: [] };
      group.ids.push(pointId(id));
      sets.set(key, group);
    }
    if (paths.length > 0) {
      const key = JSON.stringify(paths);
      const group = deletes.get(key) ?? { keys: paths, ids: [] };
      group.ids.push(pointId(id));
      deletes.set(key, group);
    }
  }
  const byIds = (ids: string[]): Schemas['Filter'] => ({ must: [{ has_id: ids }] });
  // A patch shared by a million records must not become one 40 MB operation: at most IDS_PER_REQUEST ids each.
  return {
    operations: [
      ...[...sets.values()].flatMap((g) =>
        chunks(g.ids, IDS_PER_REQUEST).map((ids): Schemas['UpdateOperation'] => ({ set_payload: { payload: g.payload, filter: byIds(ids) } })),
      ),
      ...[...deletes.values()].flatMap((g) =>
        chunks(g.ids, IDS_PER_REQUEST).map((ids): Schemas['UpdateOperation'] => ({ delete_payload: { keys: g.keys, filter: byIds(ids) } })),
      ),
    ],
    unaddressable,
  };
}

function qdrantError(operation: string, error: unknown): Error {
  if (error instanceof StoreUsageError) return error;
  const status = error instanceof QdrantHttpError ? error.status : undefined;
  const detail = error instanceof QdrantHttpError ? error.detail : error instanceof Error ? error.message : String(error);
  return new Error(`Qdrant ${operation} failed${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`, { cause: error });
}
