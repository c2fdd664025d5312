/**
 * An in-memory Qdrant REST server for tests, over real HTTP, for machines where no Qdrant can run.
 *
 * Every request is validated against Qdrant's OpenAPI spec v1.18.3 (openapi.ts) before the fake
 * acts on it, and every response it sends is validated too: a request Qdrant would refuse
 * gets a 400 shaped like Qdrant's, and a response the spec does not allow fails the test.
 * Where the spec is silent the fake follows Qdrant's documented behaviour (see
 * test/unit/store/FAKE-QDRANT.md, which also lists where it is known to differ).
 * Its semantics are written here from Qdrant's documentation, never from the adapter's code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { canonicalId, checkFilterIndexes, FakeHttpError, matches } from './filter.js';
import { parsePath, removeAt, valuesAt } from './json-path.js';
import { QdrantOpenApi, type Operation } from './openapi.js';

type Json = unknown;
type Obj = Record<string, Json>;
type PointId = number | string;
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: Json): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

export type Distance = 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';

export interface FakePoint {
  vector: Float32Array;
  payload: Obj;
  version: number;
}

export interface FakeCollection {
  size: number;
  distance: Distance;
  shardNumber: number;
  replicationFactor: number;
  writeConsistencyFactor: number;
  metadata: Obj;
  points: Map<PointId, FakePoint>;
  /** Payload index per field path: its schema type. */
  indexes: Map<string, { type: string; params?: Obj }>;
}

export interface FakeQdrantOptions {
  /** Required `api-key` header (or bearer token), as Qdrant with service.api_key set. */
  apiKey?: string;
  /** Serve under this path, as behind a reverse proxy (e.g. "/qdrant"). */
  basePath?: string;
  /**
   * Strict mode (Qdrant Cloud's default): filtering on a payload key without a fitting index
   * is refused with 400. Default true, so a missing index cannot go unnoticed here.
   */
  strictMode?: boolean;
  /** Largest request body accepted; Qdrant's default service.max_request_size_mb is 32. */
  maxRequestBytes?: number;
}

/** A scripted failure for the next matching requests (retry tests). */
interface Fault {
  remaining: number;
  status?: number;
  headers?: Record<string, string>;
  /** Answer writes with this UpdateResult status (e.g. wait_timeout) instead of failing. */
  updateStatus?: string;
  /** Destroy the socket instead of answering (a connection reset). */
  reset?: boolean;
  /** Apply the request before failing (the answer is lost, not the write). */
  applyFirst?: boolean;
}

const SPEC = new QdrantOpenApi();

/** Qdrant's f32 storage: what a stored value reads back as. */
const f32 = (values: Json[]): Float32Array => Float32Array.from(values as number[]);

function compareIds(a: PointId, z: PointId): number {
  // Qdrant orders integer ids before UUIDs; UUIDs by their bytes (= canonical hex text).
  if (typeof a === 'number' && typeof z === 'number') return a - z;
  if (typeof a === 'number') return -1;
  if (typeof z === 'number') return 1;
  return a < z ? -1 : a > z ? 1 : 0;
}

export class FakeQdrant {
  readonly collections = new Map<string, FakeCollection>();
  readonly aliases = new Map<string, string>();
  /** Requests seen, as "METHOD /path?query" (path without the base path). */
  readonly requests: string[] = [];
  /** Request bodies seen, parallel to `requests` (undefined for none), for assertions on bytes. */
  readonly bodies: Array<string | undefined> = [];
  /** Responses the spec does not allow; tests assert this stays empty. */
  readonly responseViolations: string[] = [];
  readonly #options: Required<Omit<FakeQdrantOptions, 'apiKey'>> & { apiKey?: string };
  readonly #faults: Array<{ route: RegExp } & Fault> = [];
  /** Writes sent without wait=true: applied only after the next request has been answered. */
  #deferred: Array<() => void> = [];
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #clock = 0;
  #forcedStatus: string | undefined;

  constructor(options: FakeQdrantOptions = {}) {
    this.#options = {
      basePath: (options.basePath ?? '').replace(/\/+$/, ''),
      strictMode: options.strictMode ?? true,
      maxRequestBytes: options.maxRequestBytes ?? 32 * 1024 * 1024,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    };
  }

  /** The spec version requests are validated against. */
  static get specVersion(): string {
    return SPEC.version;
  }

  /** Starts listening on a random port of 127.0.0.1; returns the URL to give the adapter. */
  async start(): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.#options.basePath}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Makes the next `times` requests whose "METHOD /path" matches fail as described. */
  failNext(route: RegExp, times: number, fault: Omit<Fault, 'remaining'>): void {
    this.#faults.push({ route, remaining: times, ...fault });
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      chunks.push(chunk as Buffer);
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const base = this.#options.basePath;
    if (base !== '' && !url.pathname.startsWith(`${base}/`) && url.pathname !== base) {
      this.#send(res, undefined, 404, { status: { error: `Not found: ${url.pathname}` }, time: 0 });
      return;
    }
    const pathname = url.pathname.slice(base.length) || '/';
    const text = size === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
    this.requests.push(`${method} ${pathname}${url.search}`);
    this.bodies.push(text);

    const fault = this.#faults.find((f) => f.remaining > 0 && f.route.test(`${method} ${pathname}`));
    if (fault !== undefined && fault.updateStatus !== undefined) {
      fault.remaining--;
      this.#forcedStatus = fault.updateStatus;
    } else if (fault !== undefined) {
      fault.remaining--;
      if (fault.applyFirst) this.#answer(method, pathname, url.searchParams, text, size, req);
      if (fault.reset) {
        req.socket.destroy();
        return;
      }
      res.writeHead(fault.status ?? 503, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify({ status: { error: `Service unavailable (scripted fault ${fault.status ?? 503})` }, time: 0 }));
      return;
    }
    const { op, status, body } = this.#answer(method, pathname, url.searchParams, text, size, req);
    this.#send(res, op, status, body);
  }

  #answer(method: string, pathname: string, query: URLSearchParams, text: string | undefined, size: number, req: IncomingMessage) {
    const started = performance.now();
    const op = SPEC.match(method, pathname);
    const finish = (status: number, body: Obj) => ({ op, status, body: { ...body, time: (performance.now() - started) / 1000 } });
    try {
      if (this.#options.apiKey !== undefined && !this.#authorised(req)) {
        throw new FakeHttpError(401, 'Must provide an API key or an Authorization bearer token');
      }
      if (op === undefined) throw new FakeHttpError(404, `Not found: no route ${method} ${pathname}`);
      if (size > this.#options.maxRequestBytes) {
        throw new FakeHttpError(413, `JSON payload (${size} bytes) is larger than allowed (limit: ${this.#options.maxRequestBytes} bytes).`);
      }
      let body: Json;
      try {
        body = text === undefined ? undefined : JSON.parse(text);
      } catch (error) {
        throw new FakeHttpError(400, `Format error in JSON body: ${(error as Error).message}`);
      }
      const problems = SPEC.checkRequest(op, query, body);
      if (problems.length > 0) {
        const where = problems[0]!.where.startsWith('query') ? 'query string' : 'JSON body';
        throw new FakeHttpError(400, `Format error in ${where}: ${problems.map((p) => `${p.where}: ${p.message}`).join('; ')}`);
      }
      const deferredBefore = this.#deferred;
      this.#deferred = [];
      const result = this.#route(op, query, isObj(body) ? body : {});
      // Unwaited writes of earlier requests land now, after this request was served.
      for (const apply of deferredBefore) apply();
      return finish(200, { result, status: 'ok' });
    } catch (error) {
      const status = error instanceof FakeHttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      return finish(status, { status: { error: message } });
    }
  }

  #authorised(req: IncomingMessage): boolean {
    const key = req.headers['api-key'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return key === this.#options.apiKey || bearer === this.#options.apiKey;
  }

  #send(res: ServerResponse, op: Operation | undefined, status: number, body: Obj): void {
    if (op !== undefined) {
      for (const problem of SPEC.checkResponse(op, status, body)) {
        this.responseViolations.push(`${op.method.toUpperCase()} ${op.template} → ${problem.where}: ${problem.message}`);
      }
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  // -------------------------------------------------------------------------------------------
  // Routing

  #collection(name: string): FakeCollection {
    const c = this.collections.get(this.aliases.get(name) ?? name);
    if (c === undefined) throw new FakeHttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return c;
  }

  /** Runs a write now (wait=true: status completed) or after the next request (acknowledged). */
  #update(query: URLSearchParams, apply: () => void): Obj {
    const waited = query.get('wait') === 'true';
    const forced = this.#forcedStatus;
    this.#forcedStatus = undefined;
    if (waited && forced === undefined) apply();
    else this.#deferred.push(apply);
    return { operation_id: this.#clock++, status: forced ?? (waited ? 'completed' : 'acknowledged') };
  }

  #route(op: Operation, query: URLSearchParams, b: Obj): Json {
    const name = op.pathParams.collection_name ?? '';
    switch (`${op.method} ${op.template}`) {
      case 'get /collections':
        return { collections: [...this.collections.keys()].map((n) => ({ name: n })) };
      case 'get /collections/{collection_name}/exists':
        return { exists: this.collections.has(name) || this.aliases.has(name) };
      case 'put /collections/{collection_name}':
        return this.#createCollection(name, b);
      case 'delete /collections/{collection_name}': {
        const existed = this.collections.delete(name);
        for (const [alias, target] of this.aliases) if (target === name) this.aliases.delete(alias);
        return existed;
      }
      case 'get /collections/{collection_name}':
        return this.#info(this.#collection(name));
      case 'patch /collections/{collection_name}': {
        const c = this.#collection(name);
        // Qdrant merges metadata keys; an empty object clears it.
        if (isObj(b.metadata)) {
          if (Object.keys(b.metadata).length === 0) c.metadata = {};
          else Object.assign(c.metadata, structuredClone(b.metadata));
        }
        return true;
      }
      case 'put /collections/{collection_name}/index':
        return this.#createIndex(this.#collection(name), query, b);
      case 'get /aliases':
        return { aliases: [...this.aliases].map(([alias_name, collection_name]) => ({ alias_name, collection_name })) };
      case 'get /collections/{collection_name}/aliases': {
        // A collection's own aliases; Qdrant looks the name up as a collection, not through an alias.
        if (!this.collections.has(name)) throw new FakeHttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
        return {
          aliases: [...this.aliases].filter(([, target]) => target === name).map(([alias_name, collection_name]) => ({ alias_name, collection_name })),
        };
      }
      case 'post /collections/aliases':
        return this.#changeAliases(b);
      case 'put /collections/{collection_name}/points': {
        const c = this.#collection(name);
        const points = this.#checkedPoints(c, b);
        return this.#update(query, () => {
          for (const p of points) c.points.set(p.id, { vector: p.vector, payload: p.payload, version: this.#clock });
        });
      }
      case 'post /collections/{collection_name}/points': {
        const c = this.#collection(name);
        const seen = new Set<PointId>();
        return asList(b.ids).flatMap((raw) => {
          const id = canonicalId(raw);
          const p = c.points.get(id);
          if (p === undefined || seen.has(id)) return [];
          seen.add(id);
          return [this.#record(id, p, b)];
        });
      }
      case 'post /collections/{collection_name}/points/delete': {
        const c = this.#collection(name);
        const targets = this.#selected(c, b, 'delete');
        return this.#update(query, () => {
          for (const id of targets()) c.points.delete(id);
        });
      }
      case 'post /collections/{collection_name}/points/payload': {
        const c = this.#collection(name);
        const plan = this.#payloadOperation(c, 'set_payload', b);
        return this.#update(query, plan);
      }
      case 'post /collections/{collection_name}/points/payload/delete': {
        const c = this.#collection(name);
        return this.#update(query, this.#payloadOperation(c, 'delete_payload', b));
      }
      case 'post /collections/{collection_name}/points/batch': {
        const c = this.#collection(name);
        const plans = asList(b.operations).map((operation) => this.#batchOperation(c, operation as Obj));
        const result = this.#update(query, () => plans.forEach((apply) => apply()));
        return plans.map(() => result);
      }
      case 'post /collections/{collection_name}/points/scroll':
        return this.#scroll(this.#collection(name), b);
      case 'post /collections/{collection_name}/points/count': {
        const c = this.#collection(name);
        this.#checkIndexes(c, b.filter);
        return { count: [...c.points].filter(([id, p]) => matches(b.filter, { id, payload: p.payload })).length };
      }
      case 'post /collections/{collection_name}/points/query':
        return this.#query(this.#collection(name), b);
      case 'post /collections/{collection_name}/points/query/batch': {
        const c = this.#collection(name);
        return asList(b.searches).map((search) => this.#query(c, search as Obj));
      }
      case 'post /collections/{collection_name}/facet':
        return this.#facet(this.#collection(name), b);
      default:
        throw new FakeHttpError(501, `The fake does not implement ${op.method.toUpperCase()} ${op.template}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Collections

  #createCollection(name: string, b: Obj): boolean {
    if (this.collections.has(name) || this.aliases.has(name)) throw new FakeHttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
    const vectors = b.vectors;
    if (!isObj(vectors) || typeof vectors.size !== 'number') throw new FakeHttpError(501, 'The fake implements one unnamed dense vector per collection only');
    if (vectors.size < 1) throw new FakeHttpError(400, 'Validation error in JSON body: [vectors.size: value 0 invalid, must be from 1 to 65536]');
    const replicationFactor = (b.replication_factor as number | undefined) ?? 1;
    const writeConsistencyFactor = (b.write_consistency_factor as number | undefined) ?? 1;
    if (writeConsistencyFactor > replicationFactor) {
      throw new FakeHttpError(400, 'Wrong input: Write consistency factor must not be greater than replication factor');
    }
    this.collections.set(name, {
      size: vectors.size,
      distance: vectors.distance as Distance,
      shardNumber: (b.shard_number as number | undefined) ?? 1,
      replicationFactor,
      writeConsistencyFactor,
      metadata: isObj(b.metadata) ? structuredClone(b.metadata) : {},
      points: new Map(),
      indexes: new Map(),
    });
    return true;
  }

  #info(c: FakeCollection): Obj {
    const payloadSchema: Obj = {};
    for (const [field, index] of c.indexes) {
      const path = parsePath(field)!;
      const points = [...c.points.values()].filter((p) => valuesAt(p.payload, path).some((v) => v !== null)).length;
      payloadSchema[field] = { data_type: index.type, ...(index.params !== undefined && { params: index.params }), points };
    }
    return {
      status: 'green',
      optimizer_status: 'ok',
      points_count: c.points.size,
      indexed_vectors_count: 0,
      segments_count: 1,
      config: {
        params: {
          vectors: { size: c.size, distance: c.distance },
          shard_number: c.shardNumber,
          replication_factor: c.replicationFactor,
          write_consistency_factor: c.writeConsistencyFactor,
          on_disk_payload: true,
        },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
        optimizer_config: { default_segment_number: 0, flush_interval_sec: 5 },
        ...(Object.keys(c.metadata).length > 0 && { metadata: structuredClone(c.metadata) }),
      },
      payload_schema: payloadSchema,
    };
  }

  #createIndex(c: FakeCollection, query: URLSearchParams, b: Obj): Obj {
    const field = b.field_name as string;
    if (parsePath(field) === undefined) throw new FakeHttpError(400, `Wrong input: Invalid JSON path: ${field}`);
    const schema = b.field_schema;
    if (schema === undefined || schema === null) throw new FakeHttpError(400, 'Wrong input: field_schema is required to create an index');
    const type = typeof schema === 'string' ? schema : ((schema as Obj).type as string);
    const params = isObj(schema) ? structuredClone(schema) : undefined;
    return this.#update(query, () => c.indexes.set(field, { type, ...(params !== undefined && { params }) }));
  }

  /**
   * Alias actions in order, as one change: no request sees a state between them (Qdrant: "alias
   * changes are atomic"). The fake applies them to a copy and commits it when every action has
   * succeeded. create_alias needs an existing collection (not an alias) and a name no collection
   * holds; it moves an existing alias. delete_alias and rename_alias need the alias.
   */
  #changeAliases(b: Obj): boolean {
    const next = new Map(this.aliases);
    for (const action of asList(b.actions) as Obj[]) {
      if (isObj(action.create_alias)) {
        const { alias_name, collection_name } = action.create_alias as { alias_name: string; collection_name: string };
        if (!this.collections.has(collection_name)) throw new FakeHttpError(404, `Not found: Collection \`${collection_name}\` doesn't exist!`);
        if (this.collections.has(alias_name)) throw new FakeHttpError(409, `Wrong input: Collection \`${alias_name}\` already exists!`);
        next.set(alias_name, collection_name);
      } else if (isObj(action.delete_alias)) {
        const alias = (action.delete_alias as { alias_name: string }).alias_name;
        if (!next.delete(alias)) throw new FakeHttpError(404, `Not found: Alias ${alias} does not exists!`);
      } else if (isObj(action.rename_alias)) {
        const { old_alias_name, new_alias_name } = action.rename_alias as { old_alias_name: string; new_alias_name: string };
        const target = next.get(old_alias_name);
        if (target === undefined) throw new FakeHttpError(404, `Not found: Alias ${old_alias_name} does not exists!`);
        if (this.collections.has(new_alias_name)) throw new FakeHttpError(409, `Wrong input: Collection \`${new_alias_name}\` already exists!`);
        next.delete(old_alias_name);
        next.set(new_alias_name, target);
      }
    }
    this.aliases.clear();
    for (const [alias, target] of next) this.aliases.set(alias, target);
    return true;
  }

  /** Strict mode: every filtered key needs a fitting payload index. */
  #checkIndexes(c: FakeCollection, filter: Json): void {
    if (!this.#options.strictMode || filter === undefined || filter === null) return;
    const byPath = new Map([...c.indexes].map(([field, index]) => [JSON.stringify(parsePath(field)), index.type]));
    checkFilterIndexes(filter, (key) => byPath.get(JSON.stringify(parsePath(key))));
  }

  // -------------------------------------------------------------------------------------------
  // Points

  #checkedPoints(c: FakeCollection, b: Obj): Array<{ id: PointId; vector: Float32Array; payload: Obj }> {
    if (isObj(b.batch)) throw new FakeHttpError(501, 'The fake does not implement the columnar batch format');
    return asList(b.points).map((raw) => {
      const p = raw as Obj;
      if (!Array.isArray(p.vector) || p.vector.some((x) => typeof x !== 'number')) {
        throw new FakeHttpError(400, 'Wrong input: Not existing vector name error: the collection has one unnamed dense vector');
      }
      if (p.vector.length !== c.size) {
        throw new FakeHttpError(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${p.vector.length}`);
      }
      return { id: canonicalId(p.id), vector: this.#stored(c, p.vector), payload: isObj(p.payload) ? structuredClone(p.payload) : {} };
    });
  }

  /** As Qdrant stores a vector: f32, and for Cosine normalised at write time. */
  #stored(c: FakeCollection, values: Json[]): Float32Array {
    const v = f32(values);
    if (c.distance !== 'Cosine') return v;
    let sum = 0;
    for (const x of v) sum += x * x;
    const norm = Math.sqrt(sum);
    if (norm < Number.EPSILON) return v;
    return v.map((x) => x / norm);
  }

  /** The ids a points selector picks: `points` (a list) or `filter`. Evaluated when applied. */
  #selected(c: FakeCollection, b: Obj, forWhat: string): () => PointId[] {
    if (Array.isArray(b.points)) {
      const ids = b.points.map(canonicalId);
      return () => ids;
    }
    if (isObj(b.points) || isObj(b.filter)) {
      const filter = isObj(b.filter) ? b.filter : (b.points as Obj);
      this.#checkIndexes(c, filter);
      return () => [...c.points].filter(([id, p]) => matches(filter, { id, payload: p.payload })).map(([id]) => id);
    }
    throw new FakeHttpError(400, `Wrong input: ${forWhat} needs either points or filter`);
  }

  /** set_payload / overwrite_payload / delete_payload; a listed id that does not exist is a 404, as in Qdrant. */
  #payloadOperation(c: FakeCollection, kind: 'set_payload' | 'overwrite_payload' | 'delete_payload', b: Obj): () => void {
    if (kind !== 'delete_payload' && b.key !== undefined && b.key !== null) throw new FakeHttpError(501, 'The fake does not implement set_payload with key');
    const keys = kind === 'delete_payload' ? (b.keys as string[]).map((k) => {
      const path = parsePath(k);
      if (path === undefined) throw new FakeHttpError(400, `Wrong input: Invalid JSON path: ${k}`);
      return path;
    }) : [];
    const targets = this.#selected(c, b, kind);
    return () => {
      const ids = targets();
      for (const id of ids) {
        const p = c.points.get(id);
        if (p === undefined) {
          if (Array.isArray(b.points)) throw new FakeHttpError(404, `Not found: No point with id ${id} found`);
          continue;
        }
        if (kind === 'set_payload') Object.assign(p.payload, structuredClone(b.payload as Obj));
        else if (kind === 'overwrite_payload') p.payload = structuredClone(b.payload as Obj);
        else for (const path of keys) removeAt(p.payload, path);
        p.version = this.#clock;
      }
    };
  }

  #batchOperation(c: FakeCollection, operation: Obj): () => void {
    for (const kind of ['set_payload', 'overwrite_payload', 'delete_payload'] as const) {
      if (isObj(operation[kind])) return this.#payloadOperation(c, kind, operation[kind] as Obj);
    }
    if (isObj(operation.upsert)) {
      const points = this.#checkedPoints(c, operation.upsert as Obj);
      return () => points.forEach((p) => c.points.set(p.id, { vector: p.vector, payload: p.payload, version: this.#clock }));
    }
    if (isObj(operation.delete)) {
      const targets = this.#selected(c, operation.delete as Obj, 'delete');
      return () => targets().forEach((id) => c.points.delete(id));
    }
    throw new FakeHttpError(501, `The fake does not implement batch operation ${Object.keys(operation).join(', ')}`);
  }

  #record(id: PointId, p: FakePoint, b: Obj): Obj {
    const withPayload = b.with_payload ?? true;
    const withVector = b.with_vector ?? false;
    let payload: Obj | undefined;
    if (withPayload === true) payload = structuredClone(p.payload);
    else if (Array.isArray(withPayload)) payload = Object.fromEntries(Object.entries(p.payload).filter(([k]) => withPayload.includes(k)));
    else if (isObj(withPayload) && Array.isArray(withPayload.include)) {
      const include = withPayload.include as string[];
      payload = Object.fromEntries(Object.entries(p.payload).filter(([k]) => include.includes(k)));
    } else if (isObj(withPayload) && Array.isArray(withPayload.exclude)) {
      const exclude = withPayload.exclude as string[];
      payload = Object.fromEntries(Object.entries(p.payload).filter(([k]) => !exclude.includes(k)));
    }
    return {
      id,
      ...(payload !== undefined && { payload }),
      ...(withVector === true && { vector: Array.from(p.vector) }),
    };
  }

  #scroll(c: FakeCollection, b: Obj): Obj {
    if (b.order_by !== undefined && b.order_by !== null) throw new FakeHttpError(501, 'The fake does not implement scroll order_by');
    this.#checkIndexes(c, b.filter);
    const limit = (b.limit as number | null | undefined) ?? 10;
    const offset = b.offset === undefined || b.offset === null ? undefined : canonicalId(b.offset);
    // Point-id order; the offset point itself is the first of the page (inclusive).
    const ids = [...c.points.keys()]
      .sort(compareIds)
      .filter((id) => (offset === undefined || compareIds(id, offset) >= 0) && matches(b.filter, { id, payload: c.points.get(id)!.payload }));
    return { points: ids.slice(0, limit).map((id) => this.#record(id, c.points.get(id)!, b)), next_page_offset: ids[limit] ?? null };
  }

  // -------------------------------------------------------------------------------------------
  // Query

  #example(c: FakeCollection, raw: Json): { id?: PointId; vector: Float32Array } {
    if (Array.isArray(raw)) {
      if (raw.length !== c.size) throw new FakeHttpError(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${raw.length}`);
      return { vector: f32(raw) };
    }
    const id = canonicalId(raw);
    const p = c.points.get(id);
    if (p === undefined) throw new FakeHttpError(404, `Not found: No point with id ${id} found`);
    return { id, vector: p.vector };
  }

  /** Qdrant's similarity for the collection's distance; higher is better except Euclid/Manhattan (distances). */
  #similarity(c: FakeCollection, query: Float32Array, stored: Float32Array): number {
    let s = 0;
    switch (c.distance) {
      case 'Cosine':
      case 'Dot':
        for (let i = 0; i < query.length; i++) s += query[i]! * stored[i]!;
        return s;
      case 'Euclid':
        for (let i = 0; i < query.length; i++) s += (query[i]! - stored[i]!) ** 2;
        return Math.sqrt(s);
      case 'Manhattan':
        for (let i = 0; i < query.length; i++) s += Math.abs(query[i]! - stored[i]!);
        return s;
    }
  }

  #better(c: FakeCollection, a: number, z: number): number {
    return c.distance === 'Euclid' || c.distance === 'Manhattan' ? a - z : z - a;
  }

  #query(c: FakeCollection, b: Obj): Obj {
    for (const unsupported of ['prefetch', 'using', 'lookup_from', 'offset', 'score_threshold']) {
      if (b[unsupported] !== undefined && b[unsupported] !== null && !(unsupported === 'offset' && b.offset === 0)) {
        throw new FakeHttpError(501, `The fake does not implement query ${unsupported}`);
      }
    }
    this.#checkIndexes(c, b.filter);
    const limit = (b.limit as number | null | undefined) ?? 10;
    const candidates = [...c.points].filter(([id, p]) => matches(b.filter, { id, payload: p.payload }));
    const q = b.query;
    let scoreOf: (p: FakePoint) => number;
    const exclude = new Set<PointId>();
    if (q === undefined || q === null) {
      const ids = candidates.map(([id]) => id).sort(compareIds).slice(0, limit);
      return { points: ids.map((id) => ({ ...this.#record(id, c.points.get(id)!, b), version: c.points.get(id)!.version, score: 0 })) };
    }
    if (Array.isArray(q) || (isObj(q) && 'nearest' in q) || typeof q === 'string' || typeof q === 'number') {
      const example = this.#example(c, isObj(q) ? q.nearest : q);
      if (example.id !== undefined) exclude.add(example.id);
      const query = example.id === undefined ? this.#stored(c, Array.from(example.vector)) : example.vector;
      scoreOf = (p) => this.#similarity(c, query, p.vector);
    } else if (isObj(q) && isObj(q.recommend)) {
      scoreOf = this.#recommendScore(c, q.recommend, exclude);
    } else {
      throw new FakeHttpError(501, `The fake does not implement query ${JSON.stringify(q).slice(0, 80)}`);
    }
    const hits = candidates
      .filter(([id]) => !exclude.has(id))
      .map(([id, p]) => ({ id, p, score: scoreOf(p) }))
      .sort((a, z) => this.#better(c, a.score, z.score) || compareIds(a.id, z.id))
      .slice(0, limit);
    return { points: hits.map((h) => ({ ...this.#record(h.id, h.p, b), version: h.p.version, score: Math.fround(h.score) })) };
  }

  /**
   * Recommendation as Qdrant documents its strategies: average_vector searches
   * avg(pos) + (avg(pos) − avg(neg)); best_score and sum_scores score every candidate against
   * each example. Example points are never returned.
   */
  #recommendScore(c: FakeCollection, r: Obj, exclude: Set<PointId>): (p: FakePoint) => number {
    const positive = asList(r.positive).map((raw) => this.#example(c, raw));
    const negative = asList(r.negative).map((raw) => this.#example(c, raw));
    for (const e of [...positive, ...negative]) if (e.id !== undefined) exclude.add(e.id);
    const strategy = (r.strategy as string | null | undefined) ?? 'average_vector';
    if (strategy === 'average_vector') {
      if (positive.length === 0) throw new FakeHttpError(400, 'Wrong input: At least one positive vector ID required with this strategy');
      const mean = (rows: Array<{ vector: Float32Array }>) => {
        const m = new Float64Array(c.size);
        for (const row of rows) row.vector.forEach((x, i) => (m[i]! += x / rows.length));
        return m;
      };
      const pos = mean(positive);
      const target = negative.length === 0 ? pos : pos.map((x, i) => x + (x - mean(negative)[i]!));
      const query = this.#stored(c, Array.from(target));
      return (p) => this.#similarity(c, query, p.vector);
    }
    if (positive.length === 0 && negative.length === 0) throw new FakeHttpError(400, 'Wrong input: At least one positive or negative example is required');
    const sims = (p: FakePoint, rows: Array<{ vector: Float32Array }>) => rows.map((e) => this.#similarity(c, e.vector, p.vector));
    if (strategy === 'sum_scores') {
      return (p) => sims(p, positive).reduce((s, x) => s + x, 0) - sims(p, negative).reduce((s, x) => s + x, 0);
    }
    // best_score: the best positive similarity if it beats the best negative one, else minus the squared best negative.
    return (p) => {
      const bestPos = Math.max(...sims(p, positive), -Infinity);
      const bestNeg = Math.max(...sims(p, negative), -Infinity);
      if (negative.length === 0) return bestPos;
      if (positive.length === 0) return -(bestNeg * bestNeg);
      return bestPos > bestNeg ? bestPos : -(bestNeg * bestNeg);
    };
  }

  /** Facet counts: Qdrant requires a keyword, integer, bool or uuid index on the key (in any mode). */
  #facet(c: FakeCollection, b: Obj): Obj {
    const key = b.key as string;
    const index = [...c.indexes].find(([field]) => JSON.stringify(parsePath(field)) === JSON.stringify(parsePath(key)))?.[1];
    if (index === undefined || !['keyword', 'integer', 'bool', 'uuid'].includes(index.type)) {
      throw new FakeHttpError(
        400,
        `Bad request: Index required but not found for "${key}" of one of the following types: [keyword, integer, bool, uuid]. Help: Create an index for this key or use a different filter.`,
      );
    }
    this.#checkIndexes(c, b.filter);
    const counts = new Map<string, { value: Json; count: number }>();
    const path = parsePath(key)!;
    for (const [id, p] of c.points) {
      if (!matches(b.filter, { id, payload: p.payload })) continue;
      // A point counts once per distinct value it holds.
      const values = new Set(valuesAt(p.payload, path).filter((v) => ['string', 'number', 'boolean'].includes(typeof v)));
      for (const v of values) {
        const k = JSON.stringify(v);
        const entry = counts.get(k) ?? { value: v, count: 0 };
        entry.count++;
        counts.set(k, entry);
      }
    }
    const limit = (b.limit as number | null | undefined) ?? 10;
    const hits = [...counts.values()].sort((a, z) => z.count - a.count || (String(a.value) < String(z.value) ? -1 : 1)).slice(0, limit);
    return { hits };
  }
}
