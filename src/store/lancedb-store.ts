/**
 * Embedded vector store on LanceDB: one Lance table per collection in a local directory.
 *
 * - Vectors are stored L2-normalised and searched with Lance's `dot` distance (= 1 - dot
 *   product), so score = 1 - distance is the cosine similarity and a zero vector scores 0,
 *   exactly as in Qdrant. (Lance's `cosine` distance drops zero vectors as NaN.)
 * - Search is exact (flat) until a table holds `indexMinRows` rows; then an IVF index is
 *   built in the background and searches probe `nprobes` partitions (quantised index types
 *   also re-score `refineFactor` x limit candidates exactly, so scores stay exact). Rows
 *   written since the last index update are searched flat, so they are always found.
 *   Filtered searches filter before the vector search; when the probed partitions hold fewer
 *   matches than asked for, the search is repeated exactly, so a narrow filter still gets
 *   every match there is.
 * - Every write to a table goes through a per-table lock: Lance commits are optimistic and
 *   read-merge-write operations (setPayload) must not interleave with other writes.
 * - Compaction, index updates and pruning of old versions run in the background once enough
 *   rows or fragments have been written (see lancedb-maintenance.ts), beside the writes, not
 *   under their lock: a write that loses a commit race with them is retried (writes are
 *   idempotent); maintenance that loses one to an update runs again with writes held back.
 *   Readers never wait: they read the latest committed version.
 * - Upserts of ids that are all new are plain appends; otherwise one merge-insert on `id`.
 *   The BTREE index on `id` (built at the first compaction) keeps both the existence check
 *   and the merge-insert from scanning the whole table.
 * - Model metadata lives in `store-meta.json` next to the tables.
 * - Embedding spaces (port.ts): space `''` is the plain table names, space `v<n>` the tables
 *   `<name>_v<n>`. `store-meta.json` names the live space (`space`) and is the pointer a
 *   migration switches, by one atomic rename; a space being built keeps its meta in
 *   `store-meta.<space>.json`, and those files are the list of spaces beside the live one.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import {
  StoreUsageError,
  type CollectionSpec,
  type Filter,
  type IndexedField,
  type PayloadUpdate,
  type ScoredRecord,
  type ScrollOptions,
  type ScrollPage,
  type SearchOptions,
  type StoreMeta,
  type StreamOptions,
  type StoredRecord,
  type VectorRecord,
  type VectorStore,
  type SpaceList,
  type RecommendOptions,
} from './port.js';
import { checkSpaceId, spaceCollection } from './spaces.js';
import {
  checkCollectionName,
  checkFilter,
  checkLimit,
  checkPayload,
  checkSpec,
  chunks,
  distinctIds,
  mergePayload,
  normalizedVector,
  prepareRecords,
  sameIndexedFields,
  type CheckedFilter,
} from './store-rules.js';
import { andSql, fieldColumn, filterSql, quoteColumn, sqlString } from './lancedb-filter.js';
import { arrowToRecords, recordsToArrow, specFromSchema, tableSchema, toVectorRecords } from './lancedb-rows.js';
import { IdSieve } from './id-sieve.js';
import { KeyedLock } from './keyed-lock.js';
import {
  DEFAULT_CACHE,
  DEFAULT_POLICY,
  type CacheBudget,
  DEFAULT_TUNING,
  compactionDue,
  isQuantised,
  MAX_PARTITIONS,
  vectorIndexConfig,
  vectorIndexDue,
  type MaintenancePolicy,
  type PendingWrites,
  type SearchTuning,
} from './lancedb-maintenance.js';
import { recommendByAverage } from './recommend-by-average.js';

export interface LanceDbStoreOptions {
  /** Directory holding the tables; created if missing. */
  dir: string;
  /** Compaction and indexing policy; defaults in lancedb-maintenance.ts. */
  maintenance?: Partial<MaintenancePolicy>;
  /** Vector index search knobs; defaults in lancedb-maintenance.ts. */
  search?: Partial<SearchTuning>;
  /**
   * Bytes LanceDB may keep in memory for index pages and for file metadata. Lance's defaults
   * (6 GiB and 1 GiB) let a million-row table hold several generations of its vector index
   * in memory; the service's defaults (lancedb-maintenance.ts) keep one.
   */
  cache?: Partial<CacheBudget>;
  /** Called when background maintenance fails (the write that triggered it has already succeeded). */
  onWarning?: (message: string, error: unknown) => void;
  /** Called after each compaction and vector index training, e.g. for logs and benchmarks. */
  onMaintenance?: (event: MaintenanceEvent) => void;
}

export interface MaintenanceEvent {
  collection: string;
  kind: 'compact' | 'vector-index';
  /** Rows in the table afterwards. */
  rows: number;
  durationMs: number;
}

interface OpenTable {
  spec: CollectionSpec;
  table: lancedb.Table;
  /**
   * Every id ever written (a superset of the stored ids): upserts of ids it has never seen
   * are appends that need no lookup in the table.
   */
  ids: IdSieve;
  /** Written since the last compaction. */
  pending: PendingWrites;
  /** Rows at the last compaction (or when opened): compaction thresholds grow with it. */
  rowsAtCompaction: number;
  /** Streams reading a version of this table now: old versions are not pruned under them. */
  activeStreams: number;
  /** A maintenance pass is queued and has not started yet. */
  maintenanceQueued: boolean;
  /** Rows the vector index was trained on; undefined while there is no vector index. */
  vectorIndexTrainedRows: number | undefined;
  /** Fires once writes pause (policy.idleAfterMs): compacts what is pending and prunes old versions. */
  idleTimer?: NodeJS.Timeout;
  /** A compaction ran since the last idle pass: its leftovers wait for the idle pass to prune them. */
  unpruned?: boolean;
}

/** How often a write (or compaction) that lost a commit race with maintenance is tried in all. */
const WRITE_ATTEMPTS = 3;

/** Ids per `id IN (...)` clause: keeps SQL small and predictable. */
const IDS_PER_QUERY = 1000;
const META_FILE = 'store-meta.json';
const COLUMNS = ['id', 'payload'];
const COLUMNS_WITH_VECTOR = ['id', 'payload', 'vector'];

export class LanceDbStore implements VectorStore {
  readonly backend = 'lancedb';
  readonly #db: lancedb.Connection;
  readonly #dir: string;
  readonly #policy: MaintenancePolicy;
  readonly #tuning: SearchTuning;
  readonly #onWarning: (message: string, error: unknown) => void;
  readonly #onMaintenance: (event: MaintenanceEvent) => void;
  readonly #tables = new Map<string, Promise<OpenTable | undefined>>();
  /** Serialises writes (and table creation) per collection. */
  readonly #writes = new KeyedLock();
  /** Tables of a replaced space waiting to be dropped (see #retire). */
  readonly #retiring = new Map<string, NodeJS.Timeout>();
  /** Serialises maintenance passes per collection. */
  readonly #maintenance = new KeyedLock();
  readonly #options: LanceDbStoreOptions;
  /** The space this store's names lead to: the live one (from store-meta.json), or a view's own. */
  #space: string;
  /** A view of a space that is not live (openSpace): shares the connection, which it does not close. */
  readonly #view: boolean;
  #closed = false;

  private constructor(db: lancedb.Connection, options: LanceDbStoreOptions, space: string, view: boolean) {
    this.#db = db;
    this.#options = options;
    this.#space = space;
    this.#view = view;
    this.#dir = options.dir;
    this.#policy = { ...DEFAULT_POLICY, ...options.maintenance };
    this.#tuning = { ...DEFAULT_TUNING, ...options.search };
    this.#onWarning = options.onWarning ?? (() => undefined);
    this.#onMaintenance = options.onMaintenance ?? (() => undefined);
  }

  static async open(options: LanceDbStoreOptions): Promise<LanceDbStore> {
    await mkdir(options.dir, { recursive: true });
    const cache = { ...DEFAULT_CACHE, ...options.cache };
    const session = new lancedb.Session(BigInt(cache.indexBytes), BigInt(cache.metadataBytes));
    const db = await lancedb.connect(options.dir, {}, session);
    const live = await readMetaFile(path.join(options.dir, META_FILE));
    return new LanceDbStore(db, options, typeof live?.space === 'string' ? live.space : '', false);
  }

  /** The table a collection name leads to in this store's space. */
  #physical(collection: string): string {
    checkCollectionName(collection);
    return spaceCollection(collection, this.#space);
  }

  #metaPath(): string {
    return path.join(this.#dir, this.#view ? spaceMetaFile(this.#space) : META_FILE);
  }

  // -------------------------------------------------------------------------------------------
  // Collections

  async ensureCollection(logical: CollectionSpec): Promise<void> {
    this.#checkOpen();
    checkSpec(logical);
    const spec = { ...logical, name: this.#physical(logical.name) };
    await this.#writes.run(spec.name, async () => {
      const existing = await this.#tryOpen(spec.name);
      if (existing === undefined) {
        const table = await this.#db.createEmptyTable(spec.name, tableSchema(spec), { existOk: false });
        this.#tables.set(spec.name, Promise.resolve(newOpenTable(spec, table, undefined, new IdSieve())));
        return;
      }
      if (existing.spec.dimension !== spec.dimension) {
        throw new StoreUsageError(
          `Collection ${spec.name} holds vectors of dimension ${existing.spec.dimension}, not ${spec.dimension}`,
        );
      }
      if (!sameIndexedFields(existing.spec.indexedFields, spec.indexedFields)) {
        await this.#rebuild(existing, spec);
      }
    });
  }

  /**
   * The indexed fields changed: rewrite the table with the new typed columns, filled from the
   * JSON payloads. One overwrite commit, so readers see the old or the new table, never a mix.
   */
  async #rebuild(existing: OpenTable, spec: CollectionSpec): Promise<void> {
    const all = await existing.table.query().select(COLUMNS_WITH_VECTOR).toArrow();
    const records = toVectorRecords(arrowToRecords(all, true));
    for (const r of records) checkPayload(spec, r.payload);
    const data = recordsToArrow(spec, records);
    const table = await this.#db.createTable(spec.name, data, { mode: 'overwrite', schema: tableSchema(spec) });
    existing.table.close();
    // The overwrite dropped the indexes; the next maintenance pass builds them again.
    this.#tables.set(spec.name, Promise.resolve(newOpenTable(spec, table, undefined, existing.ids)));
  }

  /** The open table, opening it (and reading its spec) on first use; undefined when it does not exist. */
  #tryOpen(name: string): Promise<OpenTable | undefined> {
    const cached = this.#tables.get(name);
    if (cached !== undefined) return cached;
    // The promise is cached at once so concurrent callers share one handle.
    const opening = (async (): Promise<OpenTable | undefined> => {
      if (!(await this.#db.tableNames()).includes(name)) return undefined;
      const table = await this.#db.openTable(name);
      const spec = specFromSchema(name, await table.schema());
      if (spec === undefined) {
        table.close();
        throw new StoreUsageError(`Table ${name} in ${this.#dir} was not created by segmentql`);
      }
      return newOpenTable(spec, table, await vectorIndexRows(table), await idSieveOf(table));
    })();
    this.#tables.set(name, opening);
    // Forget misses and failures so a later ensureCollection or retry starts afresh.
    opening.then(
      (open) => {
        if (open === undefined && this.#tables.get(name) === opening) this.#tables.delete(name);
      },
      () => {
        if (this.#tables.get(name) === opening) this.#tables.delete(name);
      },
    );
    return opening;
  }

  async #open(name: string): Promise<OpenTable> {
    this.#checkOpen();
    checkCollectionName(name);
    const open = await this.#tryOpen(name);
    if (open === undefined) throw new StoreUsageError(`Unknown collection ${name}: call ensureCollection first`);
    return open;
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  async upsert(logical: string, records: VectorRecord[]): Promise<void> {
    const collection = this.#physical(logical);
    const open = await this.#open(collection);
    const prepared = prepareRecords(open.spec, records);
    if (prepared.length === 0) return;
    await this.#write(collection, async (t) => {
      // One commit per call, so the call is all-or-nothing. New ids only (the common case when
      // importing users) are a plain append; otherwise a merge-insert on id. The ids go into the
      // sieve before the commit: a failed write leaves a harmless "maybe", never a stored id
      // the sieve does not know (which would let a later upsert append a duplicate).
      const data = recordsToArrow(t.spec, prepared);
      const maybeStored = prepared.filter((r) => t.ids.mayContain(r.id)).map((r) => r.id);
      for (const r of prepared) t.ids.add(r.id);
      const existing = maybeStored.length === 0 ? 0 : await this.#countExisting(t, maybeStored);
      if (existing === 0) await t.table.add(data);
      else await t.table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data);
      return prepared.length;
    });
  }

  async setPayload(logical: string, updates: PayloadUpdate[]): Promise<void> {
    const collection = this.#physical(logical);
    const open = await this.#open(collection);
    for (const update of updates) checkPayload(open.spec, update.payload, true);
    if (updates.length === 0) return;
    await this.#write(collection, async (t) => {
      const current = await this.#getMany(t, distinctIds(updates.map((u) => u.id)), true);
      if (current.length === 0) return 0;
      const byId = new Map(current.map((r) => [r.id, r]));
      for (const update of updates) {
        const record = byId.get(update.id);
        if (record !== undefined) record.payload = mergePayload(record.payload, update.payload);
      }
      const merged = toVectorRecords(current);
      for (const r of merged) checkPayload(t.spec, r.payload);
      // Rewrite whole rows (JSON + typed columns) in one commit; stored vectors are already normalised.
      await t.table.mergeInsert('id').whenMatchedUpdateAll().execute(recordsToArrow(t.spec, merged));
      return merged.length;
    });
  }

  async delete(logical: string, selector: { ids: string[] } | { filter: Filter }): Promise<void> {
    const collection = this.#physical(logical);
    const open = await this.#open(collection);
    if ('ids' in selector) {
      const ids = distinctIds(selector.ids);
      if (ids.length === 0) return;
      await this.#write(collection, async (t) => {
        let deleted = 0;
        for (const part of chunks(ids, IDS_PER_QUERY)) deleted += (await t.table.delete(idInSql(part))).numDeletedRows;
        return deleted;
      });
      return;
    }
    const filter = checkFilter(open.spec, selector.filter);
    if (filter.matchesNothing) return;
    await this.#write(collection, async (t) => {
      return (await t.table.delete(filterSql(filter) ?? 'TRUE')).numDeletedRows;
    });
  }

  /** How many of the (distinct) ids are stored already: a BTREE lookup once `id` is indexed. */
  async #countExisting(t: OpenTable, ids: readonly string[]): Promise<number> {
    let found = 0;
    for (const part of chunks(ids, IDS_PER_QUERY)) found += await t.table.countRows(idInSql(part));
    return found;
  }

  /**
   * Runs a write (returning the rows it touched) under the table's lock, then queues a
   * maintenance pass when enough has been written. A write that lost a commit race with
   * maintenance is run again: every write is idempotent (whole-row upserts, deletes by id or
   * filter, setPayload re-reads under the lock).
   */
  async #write(collection: string, task: (t: OpenTable) => Promise<number>): Promise<void> {
    const t = await this.#writes.run(collection, async () => {
      const t = await this.#open(collection);
      for (let attempt = 1; ; attempt++) {
        try {
          const rows = await task(t);
          t.pending.rows += rows;
          t.pending.fragments++;
          return t;
        } catch (error) {
          if (attempt >= WRITE_ATTEMPTS || !(isCommitConflict(error) || isPrunedSnapshot(error))) throw error;
        }
      }
    });
    if (compactionDue(t.pending, this.#policy, t.rowsAtCompaction)) this.#queueMaintenance(collection, t);
    this.#armIdle(collection, t);
  }

  /**
   * (Re)starts the table's idle timer after a write. When writes pause, one pass compacts what
   * the thresholds left and prunes the versions older than `pruneOlderThanMs`, among them what a
   * threshold compaction during the writes left behind (its pre-compaction data files and index
   * copy, which were too young to prune then), so the footprint at rest is the live data's.
   * One pass, not two: Lance commits a new copy of the vector index on every optimize, after
   * pruning, so a second pass would only trade the first pass's leftover copy for its own.
   */
  #armIdle(collection: string, t: OpenTable): void {
    if (this.#policy.idleAfterMs <= 0 || this.#closed) return;
    if (t.idleTimer) clearTimeout(t.idleTimer);
    t.idleTimer = setTimeout(() => {
      t.idleTimer = undefined;
      if (this.#closed) return;
      if (t.pending.rows === 0 && t.pending.fragments === 0 && !t.unpruned) return;
      // The idle pass also deletes files no version references (Lance leaves a replaced vector
      // index's files behind when the index is retrained): safe only while no write is between
      // writing its files and committing them, so it holds the write lock (writes had paused anyway).
      void this.#maintenance
        .run(collection, () =>
          this.#writes.run(collection, async () => {
            await this.#maintain(collection, { underWriteLock: true });
            t.unpruned = false;
          }),
        )
        .catch((error: unknown) => this.#onWarning(`Maintenance of Lance table ${collection} failed`, error));
    }, this.#policy.idleAfterMs);
    t.idleTimer.unref();
  }

  #queueMaintenance(collection: string, t: OpenTable): void {
    if (t.maintenanceQueued) return;
    t.maintenanceQueued = true;
    void this.#maintenance
      .run(collection, async () => {
        t.maintenanceQueued = false;
        await this.#maintain(collection);
      })
      .catch((error: unknown) => this.#onWarning(`Maintenance of Lance table ${collection} failed`, error));
  }

  /**
   * One maintenance pass: compaction, then (re)training the vector index when due. Runs under
   * the maintenance lock only, so writes go on meanwhile: appends never conflict with
   * compaction or index commits, and a write that does (an update or delete of rows being
   * rewritten) is retried by #write; a compaction or index training that loses such a race
   * runs again under the write lock.
   */
  async #maintain(collection: string, options: { underWriteLock?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    const t = await this.#open(collection);
    let rows: number;
    try {
      rows = await this.#compact(collection, t, options.underWriteLock === true);
    } catch (error) {
      if (!isCommitConflict(error) || this.#closed || options.underWriteLock) throw error;
      // Updates kept touching the fragments being rewritten: compact again with writes held back.
      rows = await this.#writes.run(collection, () => this.#compact(collection, t));
    }
    if (this.#closed || !vectorIndexDue(rows, t.vectorIndexTrainedRows, this.#policy)) return;
    const started = performance.now();
    const train = () => t.table.createIndex('vector', { config: vectorIndexConfig(this.#policy.indexType, rows, t.spec.dimension), replace: true });
    try {
      await train();
    } catch (error) {
      if (!isCommitConflict(error) || this.#closed || options.underWriteLock) throw error;
      await this.#writes.run(collection, train);
    }
    t.vectorIndexTrainedRows = rows;
    this.#onMaintenance({ collection, kind: 'vector-index', rows, durationMs: performance.now() - started });
  }

  /**
   * Merges small fragments, folds new rows into the indexes and prunes old versions. Creates
   * the scalar indexes the first time there are rows: BTREE on `id` makes lookups by id (get,
   * upsert's existence check, merge-insert, setPayload) independent of the table size; the
   * payload field indexes make filters (and filtered searches, which filter first) cheap.
   * With `deleteUnreferenced` (only under the write lock: no write may be between writing its
   * files and committing them) it also deletes files older than the prune age that no version
   * references. Returns the row count.
   */
  async #compact(collection: string, t: OpenTable, deleteUnreferenced = false): Promise<number> {
    const started = performance.now();
    t.pending = { rows: 0, fragments: 0 };
    const indexed = new Set((await t.table.listIndices()).flatMap((i) => i.columns));
    const missing = [{ column: 'id', config: lancedb.Index.btree() }, ...t.spec.indexedFields.map(scalarIndex)].filter(
      (i) => !indexed.has(i.column),
    );
    if (missing.length > 0 && (await t.table.countRows()) > 0) {
      for (const { column, config } of missing) await t.table.createIndex(column, { config });
    }
    const pruneBefore = t.activeStreams > 0 ? new Date(0) : new Date(Date.now() - this.#policy.pruneOlderThanMs);
    await t.table.optimize({ cleanupOlderThan: pruneBefore, deleteUnverified: deleteUnreferenced });
    const rows = await t.table.countRows();
    t.rowsAtCompaction = rows;
    // What this pass left (versions too young to prune, its own index copy's predecessor) goes
    // in the idle pass, even when no write follows: a threshold pass or an explicit optimize()
    // resets the pending count the idle pass would otherwise look at.
    t.unpruned = true;
    if (!t.idleTimer) this.#armIdle(collection, t);
    this.#onMaintenance({ collection, kind: 'compact', rows, durationMs: performance.now() - started });
    return rows;
  }

  /**
   * Runs a maintenance pass on every open table now (compaction, pruning, vector index when
   * due), after any queued one, e.g. after a bulk import. Not part of the port; the automatic
   * policy covers normal use.
   */
  async optimize(): Promise<void> {
    this.#checkOpen();
    for (const [name, opening] of this.#tables) {
      if ((await opening) === undefined) continue;
      await this.#maintenance.run(name, () => this.#maintain(name));
    }
  }

  finishBackgroundWork(): Promise<void> {
    return this.optimize();
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  async get(collection: string, ids: string[], options?: { withVector?: boolean }): Promise<StoredRecord[]> {
    const t = await this.#open(this.#physical(collection));
    const wanted = distinctIds(ids);
    if (wanted.length === 0) return [];
    const found = new Map((await this.#getMany(t, wanted, options?.withVector ?? false)).map((r) => [r.id, r]));
    return wanted.flatMap((id) => found.get(id) ?? []);
  }

  async existingIds(collection: string, ids: string[]): Promise<string[]> {
    const t = await this.#open(this.#physical(collection));
    const maybe = distinctIds(ids).filter((id) => t.ids.mayContain(id));
    const found = new Set<string>();
    for (const part of chunks(maybe, IDS_PER_QUERY)) {
      const result = await t.table.query().where(idInSql(part)).select(['id']).toArrow();
      const column = result.getChild('id');
      for (let i = 0; i < (column?.length ?? 0); i++) found.add(column!.get(i) as string);
    }
    return ids.filter((id) => found.has(id));
  }

  async #getMany(t: OpenTable, ids: string[], withVector: boolean): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    for (const part of chunks(ids, IDS_PER_QUERY)) {
      const result = await t.table
        .query()
        .where(idInSql(part))
        .select(withVector ? COLUMNS_WITH_VECTOR : COLUMNS)
        .toArrow();
      out.push(...arrowToRecords(result, withVector));
    }
    return out;
  }

  /** LanceDB has no recommend API: average the examples and search (see recommend-by-average.ts). */
  recommend(collection: string, options: RecommendOptions): Promise<ScoredRecord[]> {
    return recommendByAverage(this, collection, options);
  }

  async search(collection: string, vector: Float32Array, options: SearchOptions): Promise<ScoredRecord[]> {
    const t = await this.#open(this.#physical(collection));
    const query = normalizedVector(t.spec, vector, 'Query vector');
    checkLimit(options.limit, 'Search', true);
    const filter = checkFilter(t.spec, options.filter);
    if (options.limit === 0 || filter.matchesNothing) return [];
    const withVector = options.withVector ?? false;
    const where = filterSql(filter);
    const run = async (exact: boolean): Promise<ScoredRecord[]> => {
      let q = t.table
        .vectorSearch(query)
        .distanceType('dot')
        .select([...(withVector ? COLUMNS_WITH_VECTOR : COLUMNS), '_distance'])
        .limit(options.limit);
      if (exact) q = q.bypassVectorIndex();
      else {
        q = q.nprobes(this.#tuning.nprobes);
        if (isQuantised(this.#policy.indexType)) q = q.refineFactor(this.#tuning.refineFactor);
        if (this.#tuning.ef > 0) q = q.ef(this.#tuning.ef);
        // With a filter, probe further partitions (up to all) while too few matches were found.
        if (where !== undefined) q = q.maximumNprobes(Math.max(this.#tuning.nprobes, MAX_PARTITIONS));
      }
      if (where !== undefined) q = q.where(where);
      const rows = arrowToRecords(await q.toArrow(), withVector);
      return rows.map(({ distance, ...record }) => ({ ...record, score: 1 - (distance ?? 1) }));
    };
    if (t.vectorIndexTrainedRows === undefined || this.#policy.indexMinRows <= 0) return run(true);
    const found = await run(false);
    // A narrow filter can leave even every probed partition short of matches: answer it exactly.
    return where !== undefined && found.length < options.limit ? run(true) : found;
  }

  async scroll(collection: string, options: ScrollOptions): Promise<ScrollPage> {
    const t = await this.#open(this.#physical(collection));
    checkLimit(options.limit, 'Scroll', false);
    const filter = checkFilter(t.spec, options.filter);
    if (filter.matchesNothing) return { records: [] };
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const withVector = options.withVector ?? false;
    // Keyset paging on id (byte order of UTF-8): stable, and a record deleted or added between
    // pages cannot shift the others the way an offset would. One extra row says whether more follow.
    let q = t.table
      .query()
      .select(withVector ? COLUMNS_WITH_VECTOR : COLUMNS)
      .orderBy({ columnName: 'id', ascending: true })
      .limit(options.limit + 1);
    const where = andSql(filterSql(filter), after === undefined ? undefined : `${quoteColumn('id')} > ${sqlString(after)}`);
    if (where !== undefined) q = q.where(where);
    const rows = arrowToRecords(await q.toArrow(), withVector);
    if (rows.length <= options.limit) return { records: rows };
    const records = rows.slice(0, options.limit);
    return { records, nextCursor: encodeCursor(records[records.length - 1].id) };
  }

  /**
   * One query over the table's current version, read batch by batch: a consistent snapshot.
   * While it reads, compaction prunes no old versions of the table (the one being read may be
   * older than LANCEDB_PRUNE_OLDER_THAN_MS by the time a long read ends); the next pass does.
   */
  async *stream(collection: string, options: StreamOptions): AsyncIterable<StoredRecord[]> {
    const t = await this.#open(this.#physical(collection));
    const filter = checkFilter(t.spec, options.filter);
    if (filter.matchesNothing) return;
    const withVector = options.withVector ?? false;
    let q = t.table.query().select(withVector ? COLUMNS_WITH_VECTOR : COLUMNS);
    const where = filterSql(filter);
    if (where !== undefined) q = q.where(where);
    t.activeStreams++;
    try {
      for await (const batch of q) {
        this.#checkOpen();
        if (batch.numRows > 0) yield arrowToRecords(batch, withVector, true);
      }
    } finally {
      t.activeStreams--;
    }
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const t = await this.#open(this.#physical(collection));
    const checked: CheckedFilter = checkFilter(t.spec, filter);
    if (checked.matchesNothing) return 0;
    return t.table.countRows(filterSql(checked));
  }

  // -------------------------------------------------------------------------------------------
  // Meta, health, lifecycle

  async readMeta(): Promise<StoreMeta | null> {
    this.#checkOpen();
    const stored = await readMetaFile(this.#metaPath());
    if (stored === null) return null;
    const { space: _space, ...meta } = stored;
    return meta;
  }

  async writeMeta(meta: StoreMeta): Promise<void> {
    this.#checkOpen();
    // The live file also names the live space; a view's file is its space's alone.
    await writeMetaFile(this.#metaPath(), this.#view || this.#space === '' ? { ...meta } : { ...meta, space: this.#space });
  }

  // -------------------------------------------------------------------------------------------
  // Embedding spaces

  async spaces(): Promise<SpaceList> {
    this.#checkOpen();
    const others = (await readdir(this.#dir))
      .map((f) => SPACE_META_FILE.exec(f)?.[1])
      .filter((s): s is string => s !== undefined && s !== this.#space);
    return { live: this.#space, others: others.sort() };
  }

  async openSpace(space: string): Promise<LanceDbStore> {
    this.#checkOpen();
    checkSpaceId(space);
    if (this.#view) throw new StoreUsageError('openSpace is called on the live store');
    if (space === this.#space) throw new StoreUsageError(`Space ${space} is live`);
    // The space shows in spaces() once its meta is written (the migration writes it first).
    return new LanceDbStore(this.#db, this.#options, space, true);
  }

  async activateSpace(space: string, collections: readonly string[], options: { keepPrevious: boolean }): Promise<string> {
    this.#checkOpen();
    checkSpaceId(space);
    if (this.#view) throw new StoreUsageError('activateSpace is called on the live store');
    const previous = this.#space;
    if (previous === space) return space;
    const meta = await readMetaFile(path.join(this.#dir, spaceMetaFile(space)));
    if (meta === null) throw new StoreUsageError(`Space ${space} does not exist`);
    const tables = await this.#db.tableNames();
    for (const c of collections) {
      if (!tables.includes(spaceCollection(c, space))) throw new StoreUsageError(`Space ${space} has no table ${spaceCollection(c, space)}`);
    }
    const previousMeta = await readMetaFile(path.join(this.#dir, META_FILE));
    // The switch: one rename of store-meta.json. A crash before it leaves the old space live, after it the new one.
    const { space: _old, building: _building, ...live } = meta;
    await writeMetaFile(path.join(this.#dir, META_FILE), { ...live, space });
    this.#space = space;
    await rm(path.join(this.#dir, spaceMetaFile(space)), { force: true });
    if (options.keepPrevious) {
      if (previous !== '' && previousMeta !== null) {
        const { space: _s, ...kept } = previousMeta;
        await writeMetaFile(path.join(this.#dir, spaceMetaFile(previous)), kept);
      }
    } else {
      for (const c of collections) this.#retire(spaceCollection(c, previous));
    }
    return previous;
  }

  /**
   * Drops a table of the space a switch replaced once reads that began before the switch have had
   * LANCEDB_PRUNE_OLDER_THAN_MS to finish (the same grace old versions get): closing it at once made
   * a query in flight fail. Pending drops are done at close; a crash in between leaves the tables
   * on disk, unused.
   */
  #retire(name: string): void {
    const timer = setTimeout(() => {
      this.#retiring.delete(name);
      this.#dropTable(name).catch((error: unknown) => this.#onWarning(`Dropping the replaced table ${name} failed`, error));
    }, this.#policy.pruneOlderThanMs);
    timer.unref();
    this.#retiring.set(name, timer);
  }

  async dropSpace(space: string, collections: readonly string[]): Promise<void> {
    this.#checkOpen();
    checkSpaceId(space);
    if (!this.#view && space === this.#space) throw new StoreUsageError(`Space ${space} is live and cannot be dropped`);
    for (const c of collections) await this.#dropTable(spaceCollection(c, space));
    await rm(path.join(this.#dir, spaceMetaFile(space)), { force: true });
  }

  /** Drops a table after its queued writes and maintenance; one that does not exist is fine. */
  async #dropTable(name: string): Promise<void> {
    await this.#maintenance.run(name, () =>
      this.#writes.run(name, async () => {
        const opening = this.#tables.get(name);
        this.#tables.delete(name);
        const open = await opening?.catch(() => undefined);
        if (open?.idleTimer) clearTimeout(open.idleTimer);
        open?.table.close();
        if ((await this.#db.tableNames()).includes(name)) await this.#db.dropTable(name);
      }),
    );
  }

  async ping(): Promise<void> {
    this.#checkOpen();
    await this.#db.tableNames();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const [name, timer] of this.#retiring) {
      clearTimeout(timer);
      await this.#dropTable(name).catch((error: unknown) => this.#onWarning(`Dropping the replaced table ${name} failed`, error));
    }
    this.#retiring.clear();
    this.#closed = true;
    for (const opening of this.#tables.values()) {
      const t = await opening.catch(() => undefined);
      if (t?.idleTimer) clearTimeout(t.idleTimer);
    }
    await this.#maintenance.idle();
    await this.#writes.idle();
    for (const opening of this.#tables.values()) {
      try {
        (await opening)?.table.close();
      } catch {
        // A table that failed to open has nothing to close.
      }
    }
    this.#tables.clear();
    if (!this.#view) this.#db.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreUsageError('The store is closed');
  }
}

const SPACE_META_FILE = /^store-meta\.(v[1-9][0-9]*)\.json$/;

function spaceMetaFile(space: string): string {
  return `store-meta.${space}.json`;
}

type MetaFile = StoreMeta & { space?: string };

async function readMetaFile(file: string): Promise<MetaFile | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as MetaFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Write then rename: a crash leaves the old file or the new one, never half of one. */
async function writeMetaFile(file: string, meta: MetaFile): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(meta, null, 2));
  await rename(temp, file);
}

/** Scalar index for a payload field's typed column: LABEL_LIST answers array_has / array_has_any. */
function scalarIndex(field: IndexedField): { column: string; config: lancedb.Index } {
  const column = fieldColumn(field.name);
  return { column, config: field.type === 'keyword[]' ? lancedb.Index.labelList() : lancedb.Index.btree() };
}

function newOpenTable(spec: CollectionSpec, table: lancedb.Table, vectorIndexTrainedRows: number | undefined, ids: IdSieve): OpenTable {
  return {
    spec: copySpec(spec),
    table,
    ids,
    pending: { rows: 0, fragments: 0 },
    rowsAtCompaction: ids.size,
    activeStreams: 0,
    maintenanceQueued: false,
    vectorIndexTrainedRows,
  };
}

/** Every id in the table, read once when the table is opened (about a second per million rows). */
async function idSieveOf(table: lancedb.Table): Promise<IdSieve> {
  const sieve = new IdSieve(await table.countRows());
  for await (const batch of table.query().select(['id'])) {
    const column = batch.getChild('id');
    if (column === null) continue;
    for (let i = 0; i < column.length; i++) sieve.add(column.get(i) as string);
  }
  return sieve;
}

/** Rows covered by the table's vector index (standing in for the rows it was trained on), or undefined without one. */
async function vectorIndexRows(table: lancedb.Table): Promise<number | undefined> {
  const index = (await table.listIndices()).find((i) => i.columns.includes('vector'));
  if (index === undefined) return undefined;
  return (await table.indexStats(index.name))?.numIndexedRows ?? 0;
}

/** Lance reports a lost optimistic-commit race as a (retryable) commit conflict. */
function isCommitConflict(error: unknown): boolean {
  return error instanceof Error && /commit conflict|retryable/i.test(error.message);
}

/**
 * A write that planned against a table version whose data files a concurrent compaction then
 * pruned (possible when the prune age is shorter than the write): nothing was committed, and
 * the same idempotent write runs again against the latest version.
 */
function isPrunedSnapshot(error: unknown): boolean {
  return error instanceof Error && /Not found: .*\.lance\b/.test(error.message);
}

function copySpec(spec: CollectionSpec): CollectionSpec {
  return { name: spec.name, dimension: spec.dimension, indexedFields: spec.indexedFields.map((f) => ({ ...f })) };
}

function idInSql(ids: readonly string[]): string {
  return `${quoteColumn('id')} IN (${ids.map(sqlString).join(', ')})`;
}

/** Cursors are the last id returned, base64url-encoded so callers treat them as opaque. */
function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (id.length === 0 || encodeCursor(id) !== cursor) throw new StoreUsageError('Invalid scroll cursor');
  return id;
}
