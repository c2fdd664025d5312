import { Random } from '../../src/clustering/random.js';

/** One fuzzed HTTP request. */
export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Valid operations on the demo data, the seeds of the mutations. */
const VALID: Array<{ query: string; variables?: Record<string, unknown> }> = [
  { query: '{ user(id: "u-scifi-01") { id text attributes profileText segment { id label } similarUsers(limit: 3) { score user { id } } interactions(first: 5) { kind itemId } } }' },
  { query: '{ segments { id label size keywords { term weight } members(first: 5) { totalCount edges { cursor node { id } } } } }' },
  { query: 'query Recs($id: ID!, $n: Int!) { user(id: $id) { recommendations(limit: $n) { score reason item { id title } } } }', variables: { id: 'u-scifi-01', n: 5 } },
  { query: '{ searchSegments(query: "hiking", limit: 3) { score segment { id label } } }' },
  { query: '{ similarUsers(text: "chess openings", limit: 3) { score user { id } } }' },
  { query: 'mutation Up($users: [UserInput!]!) { upsertUsers(users: $users) { count created } }', variables: { users: [{ id: 'fuzz-1', text: 'fuzzing is fun', attributes: { plan: 'free' } }] } },
  { query: 'mutation Rec($rows: [InteractionInput!]!) { recordInteractions(interactions: $rows) }', variables: { rows: [{ userId: 'u-scifi-01', itemId: 'm-starwars', kind: 'LIKE' }] } },
  { query: '{ segmentationRuns(first: 3) { id status k } activeSegmentationRun { id status } }' },
  { query: '{ item(id: "m-starwars") { id title tags similarItems(limit: 3) { score item { id } } } }' },
  { query: 'subscription { reclusterCompleted { id } }' },
  { query: '{ segmentForText(text: "space opera") { score segment { id } } }' },
  { query: 'query Seg($id: ID!, $after: String) { segment(id: $id) { members(first: 2, after: $after) { pageInfo { endCursor } } } }', variables: { id: 'nope', after: 'garbage' } },
];

const CONTENT_TYPES = ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=utf-99', 'application/graphql', '', 'application/json; charset=latin1'];
const PUNCTUATION = '{}()[]:!$@.,"\\#=&|\n\t ';

/** Seeded, so a failure can be replayed: the same seed gives the same requests. */
export class Fuzzer {
  private readonly random: Random;
  constructor(seed: number) {
    this.random = new Random(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.random.int(items.length)]!;
  }

  private randomString(max: number): string {
    const length = this.random.int(max + 1);
    let out = '';
    for (let i = 0; i < length; i++) {
      const roll = this.random.next();
      if (roll < 0.5) out += String.fromCharCode(32 + this.random.int(95));
      else if (roll < 0.8) out += this.pick([...PUNCTUATION]);
      else if (roll < 0.95) out += String.fromCharCode(this.random.int(0x3000));
      else out += String.fromCharCode(0xd800 + this.random.int(0x800)); // lone surrogates
    }
    return out;
  }

  private randomBytes(max: number): Uint8Array {
    const bytes = new Uint8Array(this.random.int(max + 1));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.random.int(256);
    return bytes;
  }

  randomJson(depth = 0): unknown {
    const roll = this.random.int(depth > 4 ? 5 : 8);
    switch (roll) {
      case 0: return null;
      case 1: return this.random.next() < 0.5;
      case 2: return this.pick([0, -1, 1e308, -1e308, 2 ** 31, 2 ** 53 + 1, 0.5, 1e-320]);
      case 3: return this.randomString(30);
      case 4: return this.pick(['', 'query', '{', '{ __typename }', 'u-scifi-01']);
      case 5:
      case 6: return Array.from({ length: this.random.int(5) }, () => this.randomJson(depth + 1));
      default: {
        const object: Record<string, unknown> = {};
        const keys = ['query', 'variables', 'operationName', 'extensions', 'id', 'users', 'first', 'limit', this.randomString(8)];
        for (let i = this.random.int(5); i > 0; i--) object[this.pick(keys)] = this.randomJson(depth + 1);
        return object;
      }
    }
  }

  private mutate(text: string): string {
    let out = text;
    for (let edits = 1 + this.random.int(4); edits > 0; edits--) {
      const at = this.random.int(out.length + 1);
      switch (this.random.int(7)) {
        case 0: out = out.slice(0, at) + out.slice(at + 1 + this.random.int(5)); break;
        case 1: out = out.slice(0, at) + this.randomString(6) + out.slice(at); break;
        case 2: out = out.slice(0, at) + this.pick([...PUNCTUATION]) + out.slice(at); break;
        case 3: out = out.replace(/\d+/, String(this.pick([0, -5, 101, 99999, 2 ** 31, 1e20]))); break;
        case 4: { const from = this.random.int(out.length); out = out.slice(0, at) + out.slice(from, from + 20) + out.slice(at); break; }
        case 5: out = out.replace(/"[^"]*"/, JSON.stringify(this.randomString(20))); break;
        default: out = out.replace(/\b(first|limit)\b/, this.pick(['after', 'text', 'frist', 'id'])); break;
      }
    }
    return out;
  }

  private mutatedVariables(variables: Record<string, unknown> | undefined): unknown {
    if (!variables || this.random.next() < 0.3) return this.random.next() < 0.5 ? this.randomJson() : variables;
    const copy: Record<string, unknown> = { ...variables };
    const key = this.pick(Object.keys(copy));
    copy[key] = this.randomJson();
    return copy;
  }

  /** A deeply nested value (arrays or objects), `depth` levels. */
  static deep(depth: number, kind: 'array' | 'object'): string {
    return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  }

  next(): FuzzRequest {
    const json = { 'content-type': 'application/json' };
    const roll = this.random.int(100);
    if (roll < 10) return { kind: 'random-bytes', method: 'POST', path: '/graphql', headers: json, body: this.randomBytes(600) };
    if (roll < 45) {
      const seed = this.pick(VALID);
      const body: Record<string, unknown> = { query: this.mutate(seed.query) };
      if (seed.variables || this.random.next() < 0.2) body.variables = this.mutatedVariables(seed.variables);
      if (this.random.next() < 0.1) body.operationName = this.pick(['Recs', 'Up', 'nope', 42]);
      return { kind: 'mutated-operation', method: 'POST', path: '/graphql', headers: json, body: JSON.stringify(body) };
    }
    if (roll < 60) return { kind: 'random-json', method: 'POST', path: '/graphql', headers: json, body: JSON.stringify(this.randomJson()) };
    if (roll < 65) {
      // Huge or deep JSON: deep nesting in variables or as the body, long strings, many keys.
      const seed = this.pick(VALID);
      const variant = this.random.int(5);
      const body =
        variant === 0 ? `{"query":${JSON.stringify(seed.query)},"variables":{"users":${Fuzzer.deep(2000 + this.random.int(20_000), 'array')}}}`
        : variant === 1 ? `{"query":${JSON.stringify(seed.query)},"variables":${Fuzzer.deep(1000 + this.random.int(5000), 'object')}}`
        : variant === 2 ? Fuzzer.deep(5000 + this.random.int(50_000), 'array')
        : variant === 3 ? JSON.stringify({ query: seed.query, variables: { id: 'x'.repeat(100_000 + this.random.int(1_000_000)), text: 'y'.repeat(200_000) } })
        : JSON.stringify({ query: `{ ${'user(id: "u-1") { id } '.repeat(1 + this.random.int(3))}}`, variables: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) });
      return { kind: 'huge-json', method: 'POST', path: '/graphql', headers: json, body };
    }
    if (roll < 75) {
      const seed = this.pick(VALID);
      const body = this.random.next() < 0.5 ? JSON.stringify(seed) : this.randomString(200);
      return { kind: 'bad-content-type', method: 'POST', path: '/graphql', headers: { 'content-type': this.pick(CONTENT_TYPES) }, body };
    }
    if (roll < 87) {
      const seed = this.pick(VALID);
      const params = new URLSearchParams();
      params.set('query', this.random.next() < 0.5 ? seed.query : this.mutate(seed.query));
      if (seed.variables || this.random.next() < 0.3) params.set('variables', this.random.next() < 0.5 ? JSON.stringify(this.mutatedVariables(seed.variables)) : this.randomString(20));
      const raw = this.random.next() < 0.1 ? `query=${this.pick(['%', '%E0%A4%A', '%ZZ', '{%7D'])}` : params.toString();
      // apollo-require-preflight: a GET without it is refused by CSRF prevention before anything else.
      return { kind: 'get', method: 'GET', path: `/graphql?${raw}`, headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } };
    }
    if (roll < 94) {
      const seed = this.pick(VALID);
      const persistedQuery = this.pick([
        { version: 1, sha256Hash: 'a'.repeat(64) },
        { version: 1, sha256Hash: this.randomString(10) },
        { version: 2, sha256Hash: 'b'.repeat(64) },
        { version: 1 },
        this.randomJson(),
      ]);
      const body: Record<string, unknown> = { extensions: { persistedQuery } };
      if (this.random.next() < 0.6) body.query = seed.query;
      return { kind: 'apq', method: 'POST', path: '/graphql', headers: json, body: JSON.stringify(body) };
    }
    return {
      kind: 'odd-method-or-path',
      method: this.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST', 'GET']),
      path: this.pick(['/graphql', '/graphql/', '/graphql/graphiql/assets/../../x', '/readyz', '/healthz', '/nope', '/graphql/%ff', '/graphql?query']),
      headers: this.random.next() < 0.5 ? json : {},
      body: this.random.next() < 0.5 ? JSON.stringify(this.randomJson()) : undefined,
    };
  }
}

/** A stack frame, an absolute path of the service, or a stack trace field: none may reach a client. */
export function leaksInternals(body: string, paths: string[]): string | null {
  if (/\n\s+at \S/.test(body) || /\\n\s+at \S/.test(body)) return 'stack frame';
  if (/"stacktrace"/.test(body)) return 'stacktrace field';
  if (/file:\/\//.test(body) || body.includes('node_modules')) return 'file path';
  for (const p of paths) if (body.includes(p)) return `path ${p}`;
  return null;
}
