/**
 * A tiny in-memory stand-in for the Qdrant REST endpoints the adapter uses, so the adapter's
 * requests and response handling can be exercised where no Qdrant server exists.
 *
 * It follows Qdrant's documented semantics (filtering.md, points.md) for what the adapter
 * sends, and is strict where Qdrant is: `match.value` takes a string, integer or bool only,
 * `match.any` strings or integers only, `set_payload` with a point list fails on an unknown id.
 * It is NOT a substitute for running test/contract/qdrant.test.ts against a real server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = unknown;
type Obj = Record<string, Json>;

interface Point {
  vector: number[];
  payload: Obj;
}

interface Collection {
  size: number;
  points: Map<string, Point>;
  indexes: Map<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function normalise(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((x) => x / norm);
}

function values(payload: Obj, key: string): Json[] {
  const v = payload[key];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function checkValueVariant(v: Json): void {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v))) return;
  throw new HttpError(400, `Format error in JSON body: data did not match any variant of untagged enum ValueVariants: ${JSON.stringify(v)}`);
}

function checkAnyVariant(list: Json): asserts list is Json[] {
  if (!Array.isArray(list)) throw new HttpError(400, 'match.any must be an array');
  const allStrings = list.every((v) => typeof v === 'string');
  const allInts = list.every((v) => typeof v === 'number' && Number.isInteger(v));
  if (!allStrings && !allInts) throw new HttpError(400, `data did not match any variant of untagged enum AnyVariants: ${JSON.stringify(list)}`);
}

function asList(v: Json): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function matchesCondition(id: string, point: Point, c: Json): boolean {
  if (!isObj(c)) throw new HttpError(400, 'bad condition');
  if ('has_id' in c) return asList(c.has_id).includes(id);
  if ('is_empty' in c && isObj(c.is_empty)) return values(point.payload, String(c.is_empty.key)).length === 0;
  if ('is_null' in c && isObj(c.is_null)) return point.payload[String(c.is_null.key)] === null;
  if ('must' in c || 'should' in c || 'must_not' in c) return matchesFilter(id, point, c);
  if (typeof c.key !== 'string') throw new HttpError(400, `unsupported condition ${JSON.stringify(c)}`);
  const vals = values(point.payload, c.key);
  if (isObj(c.match)) {
    if ('value' in c.match) {
      const wanted = c.match.value;
      checkValueVariant(wanted);
      return vals.some((v) => v === wanted);
    }
    if ('any' in c.match) {
      checkAnyVariant(c.match.any);
      const any = c.match.any;
      return vals.some((v) => any.includes(v));
    }
    throw new HttpError(400, 'unsupported match');
  }
  if (isObj(c.range)) {
    const r = c.range as { gte?: number | null; lte?: number | null; gt?: number | null; lt?: number | null };
    return vals.some(
      (v) =>
        typeof v === 'number' &&
        (r.gte == null || v >= r.gte) &&
        (r.lte == null || v <= r.lte) &&
        (r.gt == null || v > r.gt) &&
        (r.lt == null || v < r.lt),
    );
  }
  if (c.is_empty === true) return vals.length === 0;
  throw new HttpError(400, `unsupported field condition ${JSON.stringify(c)}`);
}

function matchesFilter(id: string, point: Point, filter: Json): boolean {
  if (filter === undefined || filter === null) return true;
  if (!isObj(filter)) throw new HttpError(400, 'filter must be an object');
  const must = asList(filter.must);
  const mustNot = asList(filter.must_not);
  const should = asList(filter.should);
  return (
    must.every((c) => matchesCondition(id, point, c)) &&
    !mustNot.some((c) => matchesCondition(id, point, c)) &&
    (should.length === 0 || should.some((c) => matchesCondition(id, point, c)))
  );
}

export class FakeQdrant {
  readonly collections = new Map<string, Collection>();
  /** Requests seen, as "METHOD /path", for assertions. */
  readonly requests: string[] = [];
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.method} ${url.pathname}`);
    try {
      const body = text === '' ? {} : (JSON.parse(text) as Json);
      const result = this.#route(req.method ?? 'GET', url.pathname, body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result, status: 'ok', time: 0 }));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: { error: error instanceof Error ? error.message : String(error) }, time: 0 }));
    }
  }

  #collection(name: string): Collection {
    const c = this.collections.get(name);
    if (c === undefined) throw new HttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return c;
  }

  #route(method: string, path: string, body: Json): Json {
    const b = isObj(body) ? body : {};
    if (method === 'GET' && path === '/collections') {
      return { collections: [...this.collections.keys()].map((name) => ({ name })) };
    }
    const m = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (m === null) throw new HttpError(404, `no route ${method} ${path}`);
    const name = decodeURIComponent(m[1]);
    const rest = m[2] ?? '';
    const key = `${method} ${rest}`;
    switch (key) {
      case 'GET /exists':
        return { exists: this.collections.has(name) };
      case 'PUT ': {
        if (this.collections.has(name)) throw new HttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = b.vectors as { size?: number; distance?: string };
        if (typeof vectors?.size !== 'number' || vectors.distance !== 'Cosine') throw new HttpError(400, 'bad vectors config');
        this.collections.set(name, { size: vectors.size, points: new Map(), indexes: new Map() });
        return true;
      }
      case 'DELETE ':
        return this.collections.delete(name);
      case 'GET ': {
        const c = this.#collection(name);
        return {
          status: 'green',
          optimizer_status: 'ok',
          points_count: c.points.size,
          segments_count: 1,
          config: { params: { vectors: { size: c.size, distance: 'Cosine' } } },
          payload_schema: Object.fromEntries([...c.indexes].map(([field, type]) => [field, { data_type: type, points: 0 }])),
        };
      }
      case 'PUT /index': {
        const c = this.#collection(name);
        const schema = b.field_schema;
        if (typeof b.field_name !== 'string' || !['keyword', 'integer', 'float', 'bool'].includes(String(schema))) {
          throw new HttpError(400, 'bad index');
        }
        c.indexes.set(b.field_name, String(schema));
        return { operation_id: 0, status: 'completed' };
      }
      case 'PUT /points': {
        const c = this.#collection(name);
        for (const p of asList(b.points) as { id: string; vector: number[]; payload?: Obj }[]) {
          if (!Array.isArray(p.vector) || p.vector.length !== c.size) {
            throw new HttpError(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${p.vector?.length}`);
          }
          c.points.set(String(p.id).toLowerCase(), { vector: normalise(p.vector), payload: structuredClone(p.payload ?? {}) });
        }
        return { operation_id: 0, status: 'completed' };
      }
      case 'POST /points': {
        const c = this.#collection(name);
        return (asList(b.ids) as string[]).flatMap((id) => {
          const p = c.points.get(String(id).toLowerCase());
          return p === undefined ? [] : [this.#record(String(id).toLowerCase(), p, b)];
        });
      }
      case 'POST /points/delete': {
        const c = this.#collection(name);
        if ('points' in b) for (const id of asList(b.points)) c.points.delete(String(id).toLowerCase());
        else for (const [id, p] of [...c.points]) if (matchesFilter(id, p, b.filter)) c.points.delete(id);
        return { operation_id: 0, status: 'completed' };
      }
      case 'POST /points/scroll': {
        const c = this.#collection(name);
        const limit = typeof b.limit === 'number' ? b.limit : 10;
        const offset = typeof b.offset === 'string' ? b.offset.toLowerCase() : undefined;
        const ids = [...c.points.keys()]
          .sort()
          .filter((id) => (offset === undefined || id >= offset) && matchesFilter(id, c.points.get(id)!, b.filter));
        const page = ids.slice(0, limit);
        return { points: page.map((id) => this.#record(id, c.points.get(id)!, b)), next_page_offset: ids[limit] ?? null };
      }
      case 'POST /points/count': {
        const c = this.#collection(name);
        return { count: [...c.points].filter(([id, p]) => matchesFilter(id, p, b.filter)).length };
      }
      case 'POST /points/query': {
        const c = this.#collection(name);
        let q = b.query;
        // Recommend queries (average_vector strategy): 2·avg(positive) − avg(negative), examples excluded.
        const examples = new Set<string>();
        if (isObj(q) && isObj(q.recommend)) {
          const average = (ids: unknown[]) => {
            const rows = ids.map((id) => {
              const point = c.points.get(String(id).toLowerCase());
              if (!point) throw new HttpError(404, `No point with id ${String(id)} found`);
              examples.add(String(id).toLowerCase());
              return point.vector;
            });
            return rows.length === 0 ? null : rows[0]!.map((_, i) => rows.reduce((sum, r) => sum + r[i]!, 0) / rows.length);
          };
          const pos = average(asList(q.recommend.positive));
          const neg = average(asList(q.recommend.negative));
          if (!pos) throw new HttpError(400, 'Wrong input: no positive examples');
          q = pos.map((x, i) => (neg ? 2 * x - neg[i]! : x));
        }
        if (!Array.isArray(q) || q.length !== c.size) throw new HttpError(400, 'Wrong input: bad query vector');
        const query = normalise(q as number[]);
        const limit = typeof b.limit === 'number' ? b.limit : 10;
        const hits = [...c.points]
          .filter(([id]) => !examples.has(id))
          .filter(([id, p]) => matchesFilter(id, p, b.filter))
          .map(([id, p]) => ({ id, p, score: p.vector.reduce((s, x, i) => s + x * query[i], 0) }))
          .sort((a, z) => z.score - a.score)
          .slice(0, limit);
        return { points: hits.map((h) => ({ ...this.#record(h.id, h.p, b), version: 0, score: h.score })) };
      }
      case 'POST /points/batch': {
        const c = this.#collection(name);
        for (const op of asList(b.operations)) {
          if (!isObj(op)) throw new HttpError(400, 'bad operation');
          const spec = (op.set_payload ?? op.delete_payload) as Obj | undefined;
          if (spec === undefined) throw new HttpError(400, `unsupported operation ${JSON.stringify(op)}`);
          const targets = this.#targets(c, spec);
          for (const p of targets) {
            if (op.set_payload !== undefined) Object.assign(p.payload, structuredClone(spec.payload as Obj));
            else for (const k of asList(spec.keys)) delete p.payload[String(k)];
          }
        }
        return asList(b.operations).map(() => ({ operation_id: 0, status: 'completed' }));
      }
      default:
        throw new HttpError(404, `no route ${method} ${path}`);
    }
  }

  #targets(c: Collection, spec: Obj): Point[] {
    if (Array.isArray(spec.points)) {
      return spec.points.map((id) => {
        const p = c.points.get(String(id).toLowerCase());
        if (p === undefined) throw new HttpError(404, `Not found: No point with id ${String(id)} found`);
        return p;
      });
    }
    return [...c.points].filter(([id, p]) => matchesFilter(id, p, spec.filter)).map(([, p]) => p);
  }

  #record(id: string, p: Point, b: Obj): Obj {
    return {
      id,
      ...(b.with_payload !== false && { payload: structuredClone(p.payload) }),
      ...(b.with_vector === true && { vector: [...p.vector] }),
    };
  }
}
