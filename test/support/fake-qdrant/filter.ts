/**
 * Qdrant's filter semantics for the fake, written from Qdrant's filtering documentation
 * (not from the adapter): must / should / must_not / min_should, field conditions (match
 * value/any/except, range, values_count, is_empty, is_null) and has_id. With strict mode
 * (Qdrant Cloud's default) every payload key a filter uses needs a payload index of a type
 * that serves the condition, as Qdrant checks before running the query.
 */
import { parsePath, valuesAt } from './json-path.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FilterTarget {
  /** Canonical point id (number or lower-case hyphenated UUID). */
  id: number | string;
  payload: Obj;
}

/** Point ids as Qdrant reads them: uint64 or any UUID form, compared in canonical form. */
export function canonicalId(id: unknown): number | string {
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  if (typeof id === 'string') {
    const hex = id.toLowerCase().replace(/^urn:uuid:/, '').replace(/^\{(.*)\}$/, '$1').replaceAll('-', '');
    if (/^[0-9a-f]{32}$/.test(hex)) return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw new FakeHttpError(400, `Format error in JSON body: value ${JSON.stringify(id)} is not a valid point ID, valid values are either an unsigned integer or a UUID`);
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

type IndexLookup = (key: string) => string | undefined;

function pathOf(key: string): ReturnType<typeof parsePath> & object {
  const path = parsePath(key);
  if (path === undefined) throw new FakeHttpError(400, `Format error in JSON body: Invalid JSON path: ${key}`);
  return path;
}

/** Refuses a condition on a key without a fitting index (strict mode), with Qdrant's wording. */
function requireIndex(index: IndexLookup, key: string, types: string[]): void {
  const found = index(key);
  if (found !== undefined && (types.length === 0 || types.includes(found))) return;
  const wanted = types.length === 0 ? ['keyword', 'integer', 'float', 'bool', 'datetime', 'uuid', 'text', 'geo'] : types;
  throw new FakeHttpError(
    400,
    `Bad request: Index required but not found for "${key}" of one of the following types: [${wanted.join(', ')}]. Help: Create an index for this key or use a different filter.`,
  );
}

function fieldCondition(c: Obj, target: FilterTarget, index: IndexLookup | undefined): boolean {
  const key = c.key as string;
  const values = valuesAt(target.payload, pathOf(key));
  const present = ['match', 'range', 'values_count', 'is_empty', 'is_null', 'geo_bounding_box', 'geo_radius', 'geo_polygon', 'datetime_range']
    .filter((k) => c[k] !== undefined && c[k] !== null);
  if (present.length === 0) throw new FakeHttpError(400, `Validation error in JSON body: [${key}: At least one field condition must be specified]`);
  if (present.length > 1) throw new FakeHttpError(400, `Validation error in JSON body: [${key}: Only one field condition must be specified]`);
  if (isObj(c.match)) {
    const m = c.match;
    if ('value' in m) {
      const wanted = m.value;
      if (index) requireIndex(index, key, typeof wanted === 'string' ? ['keyword', 'uuid'] : typeof wanted === 'boolean' ? ['bool'] : ['integer']);
      return values.some((v) => v === wanted);
    }
    if ('any' in m) {
      const any = m.any as unknown[];
      if (index) requireIndex(index, key, any.every((v) => typeof v === 'string') ? ['keyword', 'uuid'] : ['integer']);
      return values.some((v) => any.includes(v));
    }
    if ('except' in m) {
      const except = m.except as unknown[];
      if (index) requireIndex(index, key, except.every((v) => typeof v === 'string') ? ['keyword', 'uuid'] : ['integer']);
      return values.length === 0 || values.some((v) => !except.includes(v));
    }
    throw new FakeHttpError(501, `The fake does not implement match ${JSON.stringify(m)}`);
  }
  if (isObj(c.range)) {
    const r = c.range;
    if ([r.gt, r.gte, r.lt, r.lte].some((b) => typeof b === 'string')) throw new FakeHttpError(501, 'The fake does not implement datetime ranges');
    if (index) requireIndex(index, key, ['integer', 'float']);
    const inside = (v: unknown) =>
      typeof v === 'number' &&
      (r.gt == null || v > (r.gt as number)) &&
      (r.gte == null || v >= (r.gte as number)) &&
      (r.lt == null || v < (r.lt as number)) &&
      (r.lte == null || v <= (r.lte as number));
    return values.some(inside);
  }
  if (isObj(c.values_count)) {
    const r = c.values_count;
    const n = values.length;
    return (r.gt == null || n > (r.gt as number)) && (r.gte == null || n >= (r.gte as number)) && (r.lt == null || n < (r.lt as number)) && (r.lte == null || n <= (r.lte as number));
  }
  throw new FakeHttpError(501, `The fake does not implement condition ${JSON.stringify(c)}`);
}

function condition(c: unknown, target: FilterTarget, index: IndexLookup | undefined): boolean {
  if (!isObj(c)) throw new FakeHttpError(400, 'Format error in JSON body: condition must be an object');
  if ('has_id' in c) return asList(c.has_id).some((id) => canonicalId(id) === target.id);
  if ('is_empty' in c && isObj(c.is_empty)) {
    const key = c.is_empty.key as string;
    if (index) requireIndex(index, key, []);
    return valuesAt(target.payload, pathOf(key)).filter((v) => v !== null).length === 0;
  }
  if ('is_null' in c && isObj(c.is_null)) {
    const key = c.is_null.key as string;
    if (index) requireIndex(index, key, []);
    const path = pathOf(key);
    const last = path.at(-1);
    // is_null is about an explicit null: a missing key is not null.
    return valuesAt(target.payload, path).some((v) => v === null) || (last !== undefined && 'key' in last && isNullLeaf(target.payload, key));
  }
  if ('key' in c) return fieldCondition(c, target, index);
  if ('has_vector' in c || 'nested' in c) throw new FakeHttpError(501, `The fake does not implement ${Object.keys(c).join(', ')}`);
  return matches(c, target, index);
}

function isNullLeaf(payload: Obj, key: string): boolean {
  const path = parsePath(key);
  if (path === undefined || path.length !== 1 || !('key' in path[0]!)) return false;
  return payload[path[0].key] === null;
}

/** Whether a point passes a Qdrant filter (absent filter: every point). `index` set means strict mode. */
export function matches(filter: unknown, target: FilterTarget, index?: IndexLookup): boolean {
  if (filter === undefined || filter === null) return true;
  if (!isObj(filter)) throw new FakeHttpError(400, 'Format error in JSON body: filter must be an object');
  const must = asList(filter.must);
  const should = asList(filter.should);
  const mustNot = asList(filter.must_not);
  // Evaluate every condition (not short-circuit) so index requirements are checked on every point.
  const mustOk = must.map((c) => condition(c, target, index)).every(Boolean);
  const shouldHits = should.map((c) => condition(c, target, index));
  const mustNotHits = mustNot.map((c) => condition(c, target, index));
  let minShouldOk = true;
  if (isObj(filter.min_should)) {
    const hits = asList(filter.min_should.conditions).map((c) => condition(c, target, index)).filter(Boolean).length;
    minShouldOk = hits >= (filter.min_should.min_count as number);
  }
  return mustOk && (should.length === 0 || shouldHits.some(Boolean)) && !mustNotHits.some(Boolean) && minShouldOk;
}

/**
 * Checks a filter's index requirements even when the collection is empty (Qdrant checks the
 * request, not the points it would touch).
 */
export function checkFilterIndexes(filter: unknown, index: IndexLookup): void {
  matches(filter, { id: 0, payload: {} }, index);
}
