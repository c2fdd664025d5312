/**
 * Embedded vector store on LanceDB: one Lance table per collection in a local directory.
 *
 * - Search is exact (brute force) over L2-normalised vectors with Lance's `dot` distance
 *   (= 1 - dot product), so score = 1 - distance is the cosine similarity and a zero vector
 *   scores 0, exactly as in Qdrant. (Lance's `cosine` distance drops zero vectors as NaN.)
 *   Brute force stays in the low milliseconds up to ~100k rows of 100 dims; an ANN index
 *   (IVF_PQ / IVF_HNSW_SQ via `table.createIndex('vector')`) could be made optional later.
 * - Every write to a table goes through a per-table lock: Lance commits are optimistic and
 *   read-merge-write operations (setPayload) must not interleave with other writes.
 * - Each write creates a table version and usually a small fragment. Reads slow down a lot as
 *   fragments pile up (measured at 100k rows after 400 small writes: get 30x, filtered count
 *   20x, scroll 7x slower), so the adapter compacts (`optimize()`) after every
 *   `optimizeEveryWrites` writes (default 25, Lance's own rule of thumb is ~20), pruning
 *   versions older than `pruneOlderThanMs`. Compaction at 100k rows takes ~0.4 s and runs
 *   queued behind the write that triggered it, so that write's caller does not wait for it.
 * - Model metadata lives in `store-meta.json` next to the tables.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import {
  StoreUsageError,
  type CollectionSpec,
  type Filter,
  type PayloadUpdate,
  type ScoredRecord,
  type ScrollOptions,
  type ScrollPage,
  type SearchOptions,
  type StoreMeta,
  type StoredRecord,
  type VectorRecord,
  type VectorStore,
 RecommendOptions } from './port.js';
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
import { andSql, filterSql, quoteColumn, sqlString } from './lancedb-filter.js';
import { arrowToRecords, recordsToArrow, specFromSchema, tableSchema, toVectorRecords } from './lancedb-rows.js';
import { KeyedLock } from './keyed-lock.js';
import { recommendByAverage } from './recommend-by-average.js';

export interface LanceDbStoreOptions {
  /** Directory holding the tables; created if missing. */
  dir: string;
  /** Compact a table after this many writes to it (0 disables automatic compaction). Default 25. */
  optimizeEveryWrites?: number;
  /** Versions older than this are deleted when compacting. Default 10 minutes. */
  pruneOlderThanMs?: number;
  /** Called when background maintenance fails (the write that triggered it has already succeeded). */
  onWarning?: (message: string, error: unknown) => void;
}

interface OpenTable {
  spec: CollectionSpec;
  table: lancedb.Table;
  writesSinceOptimize: number;
}

/** Ids per `id IN (...)` clause: keeps SQL small and predictable. */
const IDS_PER_QUERY = 1000;
const META_FILE = 'store-meta.json';
const COLUMNS = ['id', 'payload'];
const COLUMNS_WITH_VECTOR = ['id', 'payload', 'vector'];

export class LanceDbStore implements VectorStore {
  readonly backend = 'lancedb';
  readonly #db: lancedb.Connection;
  readonly #dir: string;
  readonly #optimizeEvery: number;
  readonly #pruneOlderThanMs: number;
  readonly #onWarning: (message: string, error: unknown) => void;
  readonly #tables = new Map<string, Promise<OpenTable | undefined>>();
  /** Serialises writes (and table creation) per collection. */
  readonly #writes = new KeyedLock();
  #closed = false;

  private constructor(db: lancedb.Connection, options: LanceDbStoreOptions) {
    this.#db = db;
    this.#dir = options.dir;
    this.#optimizeEvery = options.optimizeEveryWrites ?? 25;
    this.#pruneOlderThanMs = options.pruneOlderThanMs ?? 10 * 60_000;
    this.#onWarning = options.onWarning ?? (() => undefined);
  }

  static async open(options: LanceDbStoreOptions): Promise<LanceDbStore> {
    await mkdir(options.dir, { recursive: true });
    const db = await lancedb.connect(options.dir);
    return new LanceDbStore(db, options);
  }

  // -------------------------------------------------------------------------------------------
  // Collections

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.#checkOpen();
    checkSpec(spec);
    await this.#writes.run(spec.name, async () => {
      const existing = await this.#tryOpen(spec.name);
      if (existing === undefined) {
        const table = await this.#db.createEmptyTable(spec.name, tableSchema(spec), { existOk: false });
        this.#tables.set(spec.name, Promise.resolve({ spec: copySpec(spec), table, writesSinceOptimize: 0 }));
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
    this.#tables.set(spec.name, Promise.resolve({ spec: copySpec(spec), table, writesSinceOptimize: 0 }));
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
      return { spec, table, writesSinceOptimize: 0 };
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

  async upsert(collection: string, records: VectorRecord[]): Promise<void> {
    const open = await this.#open(collection);
    const prepared = prepareRecords(open.spec, records);
    if (prepared.length === 0) return;
    await this.#write(collection, async (t) => {
      // One merge-insert per call: a single commit, so the call is all-or-nothing.
      await t.table
        .mergeInsert('id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute(recordsToArrow(t.spec, prepared));
    });
  }

  async setPayload(collection: string, updates: PayloadUpdate[]): Promise<void> {
    const open = await this.#open(collection);
    for (const update of updates) checkPayload(open.spec, update.payload, true);
    if (updates.length === 0) return;
    await this.#write(collection, async (t) => {
      const current = await this.#getMany(t, distinctIds(updates.map((u) => u.id)), true);
      if (current.length === 0) return;
      const byId = new Map(current.map((r) => [r.id, r]));
      for (const update of updates) {
        const record = byId.get(update.id);
        if (record !== undefined) record.payload = mergePayload(record.payload, update.payload);
      }
      const merged = toVectorRecords(current);
      for (const r of merged) checkPayload(t.spec, r.payload);
      // Rewrite whole rows (JSON + typed columns) in one commit; stored vectors are already normalised.
      await t.table.mergeInsert('id').whenMatchedUpdateAll().execute(recordsToArrow(t.spec, merged));
    });
  }

  async delete(collection: string, selector: { ids: string[] } | { filter: Filter }): Promise<void> {
    const open = await this.#open(collection);
    if ('ids' in selector) {
      const ids = distinctIds(selector.ids);
      if (ids.length === 0) return;
      await this.#write(collection, async (t) => {
        for (const part of chunks(ids, IDS_PER_QUERY)) await t.table.delete(idInSql(part));
      });
      return;
    }
    const filter = checkFilter(open.spec, selector.filter);
    if (filter.matchesNothing) return;
    await this.#write(collection, async (t) => {
      await t.table.delete(filterSql(filter) ?? 'TRUE');
    });
  }

  /** Runs a write under the table's lock, then compacts when enough writes have piled up. */
  async #write(collection: string, task: (t: OpenTable) => Promise<void>): Promise<void> {
    await this.#writes.run(collection, async () => {
      const t = await this.#open(collection);
      await task(t);
      t.writesSinceOptimize++;
    });
    const t = await this.#open(collection);
    if (this.#optimizeEvery > 0 && t.writesSinceOptimize >= this.#optimizeEvery) {
      t.writesSinceOptimize = 0;
      // Queued behind the write, not awaited: the caller's write has committed already.
      void this.#writes.run(collection, () => this.#compact(t)).catch((error: unknown) => {
        this.#onWarning(`Compacting Lance table ${collection} failed`, error);
      });
    }
  }

  /**
   * Merges small fragments, prunes old versions and brings indexes up to date. Also creates
   * the BTREE index on `id` the first time there are rows: it makes lookups by id (get,
   * merge-insert, setPayload) about 3x faster at 100k rows and costs ~20 ms to build.
   * Rows written after the last compaction are still found, by a scan of the unindexed part.
   */
  async #compact(t: OpenTable): Promise<void> {
    const indices = await t.table.listIndices();
    if (!indices.some((i) => i.columns.includes('id')) && (await t.table.countRows()) > 0) {
      await t.table.createIndex('id', { config: lancedb.Index.btree() });
    }
    await t.table.optimize({ cleanupOlderThan: new Date(Date.now() - this.#pruneOlderThanMs) });
  }

  /**
   * Compacts every open table now (and prunes old versions), e.g. after a bulk import.
   * Not part of the port; the automatic policy covers normal use.
   */
  async optimize(): Promise<void> {
    this.#checkOpen();
    for (const [name, opening] of this.#tables) {
      const t = await opening;
      if (t === undefined) continue;
      await this.#writes.run(name, async () => {
        t.writesSinceOptimize = 0;
        await this.#compact(t);
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  async get(collection: string, ids: string[], options?: { withVector?: boolean }): Promise<StoredRecord[]> {
    const t = await this.#open(collection);
    const wanted = distinctIds(ids);
    if (wanted.length === 0) return [];
    const found = new Map((await this.#getMany(t, wanted, options?.withVector ?? false)).map((r) => [r.id, r]));
    return wanted.flatMap((id) => found.get(id) ?? []);
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
    const t = await this.#open(collection);
    const query = normalizedVector(t.spec, vector, 'Query vector');
    checkLimit(options.limit, 'Search', true);
    const filter = checkFilter(t.spec, options.filter);
    if (options.limit === 0 || filter.matchesNothing) return [];
    const withVector = options.withVector ?? false;
    let q = t.table
      .vectorSearch(query)
      .distanceType('dot')
      .select([...(withVector ? COLUMNS_WITH_VECTOR : COLUMNS), '_distance'])
      .limit(options.limit);
    const where = filterSql(filter);
    if (where !== undefined) q = q.where(where);
    const rows = arrowToRecords(await q.toArrow(), withVector);
    return rows.map(({ distance, ...record }) => ({ ...record, score: 1 - (distance ?? 1) }));
  }

  async scroll(collection: string, options: ScrollOptions): Promise<ScrollPage> {
    const t = await this.#open(collection);
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

  async count(collection: string, filter?: Filter): Promise<number> {
    const t = await this.#open(collection);
    const checked: CheckedFilter = checkFilter(t.spec, filter);
    if (checked.matchesNothing) return 0;
    return t.table.countRows(filterSql(checked));
  }

  // -------------------------------------------------------------------------------------------
  // Meta, health, lifecycle

  async readMeta(): Promise<StoreMeta | null> {
    this.#checkOpen();
    try {
      return JSON.parse(await readFile(path.join(this.#dir, META_FILE), 'utf8')) as StoreMeta;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async writeMeta(meta: StoreMeta): Promise<void> {
    this.#checkOpen();
    // Write then rename: a crash leaves the old file or the new one, never half of one.
    const target = path.join(this.#dir, META_FILE);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(meta, null, 2));
    await rename(temp, target);
  }

  async ping(): Promise<void> {
    this.#checkOpen();
    await this.#db.tableNames();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writes.idle();
    for (const opening of this.#tables.values()) {
      try {
        (await opening)?.table.close();
      } catch {
        // A table that failed to open has nothing to close.
      }
    }
    this.#tables.clear();
    this.#db.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreUsageError('The store is closed');
  }
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
