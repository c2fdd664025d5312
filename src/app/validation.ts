import { badInput } from './errors.js';

/** Limits on what one request may carry; documented in the README. */
export interface InputLimits {
  maxBatchSize: number;
  maxTextLength: number;
  maxResultLimit: number;
}

export const MAX_ID_LENGTH = 256;
export const MAX_ATTRIBUTES = 64;
export const MAX_ATTRIBUTES_JSON = 16_384;

/**
 * Checks a batch before anything is written: size within limits, every id present,
 * short enough and unique. Throws BAD_USER_INPUT naming every offending id.
 */
export function validateBatch<T>(rows: readonly T[], idOf: (row: T) => string, what: string, limits: InputLimits): void {
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
    validateId(id, `${what}[${index}].id`);
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
}

export function validateText(text: string | null | undefined, field: string, limits: InputLimits): void {
  if (text != null && text.length > limits.maxTextLength) {
    throw badInput(`${field}: text of ${text.length} characters exceeds the limit of ${limits.maxTextLength}`, {
      limit: limits.maxTextLength,
    });
  }
}

export type AttributeValue = string | number | boolean | null | Array<string | number | boolean>;
export type Attributes = Record<string, AttributeValue>;

/** Attributes are a flat object of scalars or lists of scalars, so they can be filtered on and described. */
export function validateAttributes(attributes: Record<string, unknown> | null | undefined, field: string): Attributes {
  if (attributes == null) return {};
  const keys = Object.keys(attributes);
  if (keys.length > MAX_ATTRIBUTES) throw badInput(`${field}: at most ${MAX_ATTRIBUTES} attributes`);
  if (JSON.stringify(attributes).length > MAX_ATTRIBUTES_JSON) {
    throw badInput(`${field}: attributes exceed ${MAX_ATTRIBUTES_JSON} characters of JSON`);
  }
  const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  for (const key of keys) {
    if (key.trim() === '' || key.length > 64) throw badInput(`${field}: attribute names are 1 to 64 characters`);
    const value = attributes[key];
    const ok = value === null || isScalar(value) || (Array.isArray(value) && value.every(isScalar));
    if (!ok) throw badInput(`${field}.${key}: attribute values are strings, numbers, booleans, null or lists of those`);
  }
  return attributes as Attributes;
}

/** Result-size arguments: positive and at most the configured maximum. */
export function validateLimit(limit: number, field: string, limits: InputLimits): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.maxResultLimit) {
    throw badInput(`${field} must be between 1 and ${limits.maxResultLimit}`, { limit: limits.maxResultLimit });
  }
  return limit;
}
