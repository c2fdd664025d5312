import { badInput } from './errors.js';
import { jsonDepthExceeds } from './json-depth.js';
import { checkIdentifier, cleanFreeText } from './text-rules.js';

/** Limits on what one request may carry; documented in the README. */
export interface InputLimits {
  maxBatchSize: number;
  maxTextLength: number;
  maxResultLimit: number;
}

export const MAX_ID_LENGTH = 256;
export const MAX_ATTRIBUTES = 64;
export const MAX_ATTRIBUTES_JSON = 16_384;
/** Deepest JSON a JSONObject argument may nest (objects and lists); checked without recursion. */
export const MAX_JSON_DEPTH = 32;
/** Deepest nesting of braces, brackets and parentheses in a query document; checked before it is parsed. */
export const MAX_QUERY_NESTING = 64;

/**
 * Checks a batch before anything is written: size within limits, every id present,
 * short enough and unique. Throws BAD_USER_INPUT naming every offending id.
 */
export function validateBatch<T>(
  rows: readonly T[],
  idOf: (row: T) => string,
  what: string,
  limits: InputLimits,
  /** Where the id sits in a row, for error paths: ".id" in objects; "" when the rows are the ids themselves. */
  idField = '.id',
): void {
  if (rows.length === 0) throw badInput(`${what}: the batch is empty`);
  if (rows.length > limits.maxBatchSize) {
    throw badInput(`${what}: ${rows.length} rows exceed the batch limit of ${limits.maxBatchSize}`, {
      limit: limits.maxBatchSize,
    });
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  rows.forEach((row, index) => {
    const id = idOf(row);
    validateId(id, `${what}[${index}]${idField}`);
    if (seen.has(id)) duplicates.add(id);
    seen.add(id);
  });
  if (duplicates.size > 0) {
    throw badInput(`${what}: duplicate ids in one batch: ${[...duplicates].slice(0, 10).join(', ')}`, {
      duplicateIds: [...duplicates],
    });
  }
}

export function validateId(id: string, field: string): void {
  if (id.trim() === '') throw badInput(`${field}: ids must not be empty`);
  if (id.length > MAX_ID_LENGTH) throw badInput(`${field}: ids are at most ${MAX_ID_LENGTH} characters`);
  checkIdentifier(id, field);
}

/** Checks a free text's length and characters; returns it as it is to be stored (lone surrogates replaced). */
export function validateText<T extends string | null | undefined>(text: T, field: string, limits: InputLimits): T {
  if (text == null) return text;
  if (text.length > limits.maxTextLength) {
    throw badInput(`${field}: text of ${text.length} characters exceeds the limit of ${limits.maxTextLength}`, {
      limit: limits.maxTextLength,
    });
  }
  return cleanFreeText(text, field) as T;
}

export type AttributeValue = string | number | boolean | null | Array<string | number | boolean>;
export type Attributes = Record<string, AttributeValue>;

/**
 * Attributes are a flat object of scalars or lists of scalars, so they can be filtered on and described.
 * Returns them as they are to be stored: names checked like ids, string values like free text.
 */
export function validateAttributes(attributes: Record<string, unknown> | null | undefined, field: string): Attributes {
  if (attributes == null) return {};
  const keys = Object.keys(attributes);
  if (keys.length > MAX_ATTRIBUTES) throw badInput(`${field}: at most ${MAX_ATTRIBUTES} attributes`);
  // Before JSON.stringify, which recurses: a value nested thousands deep would overflow the stack.
  if (jsonDepthExceeds(attributes, MAX_JSON_DEPTH)) throw badInput(`${field}: JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (JSON.stringify(attributes).length > MAX_ATTRIBUTES_JSON) {
    throw badInput(`${field}: attributes exceed ${MAX_ATTRIBUTES_JSON} characters of JSON`);
  }
  const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  const clean = (v: unknown, at: string) => (typeof v === 'string' ? cleanFreeText(v, at) : v);
  const cleaned: Array<[string, unknown]> = [];
  for (const key of keys) {
    if (key.trim() === '' || key.length > 64) throw badInput(`${field}: attribute names are 1 to 64 characters`);
    checkIdentifier(key, field, 'attribute names');
    const value = attributes[key];
    const ok = value === null || isScalar(value) || (Array.isArray(value) && value.every(isScalar));
    if (!ok) throw badInput(`${field}.${key}: attribute values are strings, numbers, booleans, null or lists of those`);
    cleaned.push([key, Array.isArray(value) ? value.map((v, i) => clean(v, `${field}.${key}[${i}]`)) : clean(value, `${field}.${key}`)]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays an attribute.
  return Object.fromEntries(cleaned) as Attributes;
}

/** Result-size arguments: positive and at most the configured maximum. */
export function validateLimit(limit: number, field: string, limits: InputLimits): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.maxResultLimit) {
    throw badInput(`${field} must be between 1 and ${limits.maxResultLimit}`, { limit: limits.maxResultLimit });
  }
  return limit;
}
