/**
 * Rules both adapters share, so the contract suite sees the same behaviour whatever the backend:
 * name checks, record and payload validation, vector normalisation and filter validation.
 * Everything here is pure; adapters call it before touching their backend.
 */
import {
  StoreUsageError,
  type CollectionSpec,
  type Condition,
  type Filter,
  type IndexedField,
  type IndexedFieldType,
  type Payload,
  type Scalar,
  type VectorRecord,
} from './port.js';

/**
 * Payload key the Qdrant adapter keeps the external id under. Both adapters refuse it in
 * user payloads so the two backends accept exactly the same payloads.
 */
export const RESERVED_PAYLOAD_KEY = '_id';

/** Logical collection names become Lance table names and Qdrant collection name suffixes. */
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** Indexed field names become Lance column names (prefixed), so keep them identifier-like. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const FIELD_TYPES: ReadonlySet<string> = new Set<IndexedFieldType>(['keyword', 'integer', 'float', 'bool', 'keyword[]']);

export function checkCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new StoreUsageError(`Invalid collection name ${JSON.stringify(name)}: use a letter then letters, digits, _ or -`);
  }
}

export function checkSpec(spec: CollectionSpec): void {
  checkCollectionName(spec.name);
  if (!Number.isSafeInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > 65_536) {
    throw new StoreUsageError(`Invalid dimension ${spec.dimension} for collection ${spec.name}`);
  }
  const seen = new Set<string>();
  for (const field of spec.indexedFields) {
    if (!FIELD_NAME.test(field.name) || field.name === RESERVED_PAYLOAD_KEY) {
      throw new StoreUsageError(`Invalid indexed field name ${JSON.stringify(field.name)} in collection ${spec.name}`);
    }
    if (!FIELD_TYPES.has(field.type)) {
      throw new StoreUsageError(`Invalid type ${JSON.stringify(field.type)} for indexed field ${field.name}`);
    }
    if (seen.has(field.name)) throw new StoreUsageError(`Indexed field ${field.name} is listed twice`);
    seen.add(field.name);
  }
}

/** Order-insensitive comparison of indexed field lists. */
export function sameIndexedFields(a: readonly IndexedField[], b: readonly IndexedField[]): boolean {
  if (a.length !== b.length) return false;
  const key = (f: IndexedField) => `${f.name}:${f.type}`;
  const left = new Set(a.map(key));
  return b.every((f) => left.has(key(f)));
}

/** Matches a lone UTF-16 surrogate (paired ones count as one code point under the u flag). */
const LONE_SURROGATE = /\p{Cs}/u;

export function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new StoreUsageError(`Record ids must be non-empty strings, got ${JSON.stringify(id)}`);
  }
  // Ids are stored and hashed as UTF-8, where a lone surrogate becomes U+FFFD: two different
  // ids could then collide, so refuse them.
  if (LONE_SURROGATE.test(id)) throw new StoreUsageError(`Record id ${JSON.stringify(id)} is not valid Unicode`);
}

/** Does `value` have the shape an indexed field of this type stores? (null/undefined are handled by callers.) */
function fitsType(type: IndexedFieldType, value: unknown): boolean {
  switch (type) {
    case 'keyword':
      return typeof value === 'string';
    case 'keyword[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
  }
}

function isPlainObject(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a payload (or a payload patch when `patch` is true, where null means "remove").
 * Indexed fields must hold values of their declared type so both backends filter them alike
 * (Qdrant would silently leave a mistyped value out of its index; Lance could not store it).
 */
export function checkPayload(spec: CollectionSpec, payload: unknown, patch = false): asserts payload is Payload {
  if (!isPlainObject(payload)) throw new StoreUsageError('Payload must be a plain object');
  if (Object.hasOwn(payload, RESERVED_PAYLOAD_KEY)) {
    throw new StoreUsageError(`Payload key ${RESERVED_PAYLOAD_KEY} is reserved by the store`);
  }
  for (const field of spec.indexedFields) {
    const value = payload[field.name];
    if (value === undefined || value === null) continue;
    if (!fitsType(field.type, value)) {
      throw new StoreUsageError(
        `Payload field ${field.name} of collection ${spec.name} must be ${describeType(field.type)}${patch ? ' or null' : ''}, got ${JSON.stringify(value)}`,
      );
    }
  }
}

function describeType(type: IndexedFieldType): string {
  switch (type) {
    case 'keyword':
      return 'a string';
    case 'keyword[]':
      return 'an array of strings';
    case 'integer':
      return 'a safe integer';
    case 'float':
      return 'a finite number';
    case 'bool':
      return 'a boolean';
  }
}

/**
 * Returns a unit-length copy of `vector` (a zero vector stays zero), after checking its length
 * and values. Both backends store normalised vectors: Qdrant does it itself for cosine
 * collections, the Lance adapter does it here so a dot product is the cosine similarity.
 */
export function normalizedVector(spec: CollectionSpec, vector: unknown, what = 'Vector'): Float32Array {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector)) {
    throw new StoreUsageError(`${what} must be a Float32Array`);
  }
  if (vector.length !== spec.dimension) {
    throw new StoreUsageError(
      `${what} has dimension ${vector.length}, collection ${spec.name} expects ${spec.dimension}`,
    );
  }
  const out = new Float32Array(vector.length);
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const v = Number(vector[i]);
    if (!Number.isFinite(v)) throw new StoreUsageError(`${what} contains a non-finite value at index ${i}`);
    out[i] = v;
    sum += v * v;
  }
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/**
 * Validates records and keeps only the last record for each id, in first-seen order.
 * (Lance's merge-insert would otherwise insert both copies of a duplicated id.)
 */
export function prepareRecords(spec: CollectionSpec, records: readonly VectorRecord[]): VectorRecord[] {
  const byId = new Map<string, VectorRecord>();
  for (const record of records) {
    checkId(record.id);
    checkPayload(spec, record.payload);
    const vector = normalizedVector(spec, record.vector, `Vector of record ${JSON.stringify(record.id)}`);
    byId.set(record.id, { id: record.id, vector, payload: record.payload });
  }
  return [...byId.values()];
}

/** Distinct ids, first occurrence order. */
export function distinctIds(ids: readonly string[]): string[] {
  for (const id of ids) checkId(id);
  return [...new Set(ids)];
}

export function checkLimit(limit: number, what: string, allowZero: boolean): void {
  if (!Number.isSafeInteger(limit) || limit < (allowZero ? 0 : 1)) {
    throw new StoreUsageError(`${what} limit must be an integer >= ${allowZero ? 0 : 1}, got ${limit}`);
  }
}

/** Keys set to null are removed; other keys replace the stored value. */
export function mergePayload(current: Payload, patch: Payload): Payload {
  const merged: Payload = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Filters

/** A validated condition, tagged with the field's declared type so translators need no lookups. */
export type CheckedCondition =
  | { field: string; type: IndexedFieldType; op: 'eq'; value: Scalar }
  | { field: string; type: IndexedFieldType; op: 'in'; values: Scalar[] }
  | { field: string; type: IndexedFieldType; op: 'isNull'; value: boolean }
  | { field: string; type: IndexedFieldType; op: 'range'; gte?: number; lte?: number };

/**
 * A filter after validation. `matchesNothing` is set when a `must` condition can never hold
 * (`in: []`); callers then skip the backend call. Never-true `mustNot` conditions are dropped.
 */
export interface CheckedFilter {
  must: CheckedCondition[];
  mustNot: CheckedCondition[];
  matchesNothing: boolean;
}

const OPERATORS = ['eq', 'in', 'isNull', 'range'] as const;

export function checkFilter(spec: CollectionSpec, filter: Filter | undefined): CheckedFilter {
  const out: CheckedFilter = { must: [], mustNot: [], matchesNothing: false };
  if (filter === undefined) return out;
  if (typeof filter !== 'object' || filter === null) throw new StoreUsageError('Filter must be an object');
  for (const condition of filter.must ?? []) {
    const checked = checkCondition(spec, condition);
    if (checked.op === 'in' && checked.values.length === 0) out.matchesNothing = true;
    else out.must.push(checked);
  }
  for (const condition of filter.mustNot ?? []) {
    const checked = checkCondition(spec, condition);
    if (checked.op === 'in' && checked.values.length === 0) continue;
    out.mustNot.push(checked);
  }
  return out;
}

export function isEmptyFilter(filter: CheckedFilter): boolean {
  return filter.must.length === 0 && filter.mustNot.length === 0 && !filter.matchesNothing;
}

function checkCondition(spec: CollectionSpec, condition: Condition): CheckedCondition {
  const field = spec.indexedFields.find((f) => f.name === condition?.field);
  if (field === undefined) {
    throw new StoreUsageError(
      `Cannot filter on ${JSON.stringify(condition?.field)}: not an indexed field of collection ${spec.name}` +
        ` (indexed: ${spec.indexedFields.map((f) => f.name).join(', ') || 'none'})`,
    );
  }
  const set = OPERATORS.filter((op) => condition[op] !== undefined);
  if (set.length !== 1) {
    throw new StoreUsageError(`Condition on ${field.name} must set exactly one of eq, in, isNull, range`);
  }
  const scalarType: IndexedFieldType = field.type === 'keyword[]' ? 'keyword' : field.type;
  const checkValue = (value: unknown): Scalar => {
    if (!fitsType(scalarType, value)) {
      throw new StoreUsageError(`Filter value for ${field.name} must be ${describeType(scalarType)}, got ${JSON.stringify(value)}`);
    }
    return value as Scalar;
  };
  const base = { field: field.name, type: field.type };
  switch (set[0]) {
    case 'eq':
      return { ...base, op: 'eq', value: checkValue(condition.eq) };
    case 'in': {
      if (!Array.isArray(condition.in)) throw new StoreUsageError(`Filter "in" for ${field.name} must be an array`);
      return { ...base, op: 'in', values: [...new Set(condition.in.map(checkValue))] };
    }
    case 'isNull':
      if (typeof condition.isNull !== 'boolean') throw new StoreUsageError(`Filter "isNull" for ${field.name} must be a boolean`);
      return { ...base, op: 'isNull', value: condition.isNull };
    case 'range': {
      if (field.type !== 'integer' && field.type !== 'float') {
        throw new StoreUsageError(`Range filter on ${field.name} needs an integer or float field, it is ${field.type}`);
      }
      const { gte, lte } = condition.range ?? {};
      if (gte === undefined && lte === undefined) throw new StoreUsageError(`Range filter on ${field.name} needs gte or lte`);
      for (const bound of [gte, lte]) {
        if (bound !== undefined && (typeof bound !== 'number' || !Number.isFinite(bound))) {
          throw new StoreUsageError(`Range bounds for ${field.name} must be finite numbers`);
        }
      }
      return { ...base, op: 'range', ...(gte !== undefined && { gte }), ...(lte !== undefined && { lte }) };
    }
    default:
      throw new StoreUsageError(`Condition on ${field.name} must set exactly one of eq, in, isNull, range`);
  }
}
