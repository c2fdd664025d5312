import { badInput } from '../app/errors.js';
import { checkIdentifier, cleanFreeText } from '../app/text-rules.js';
import type { Attributes } from '../app/validation.js';
import type { Filter } from '../store/port.js';
import { flattenAttributes } from '../users/user.js';
import type { ClusteringAlgorithm } from './clustering-job.js';
import type { AttributeCondition, RunRequest } from './run.js';

/** A recluster as the API asks for it (every field optional). */
export interface ReclusterRequest {
  k?: number | null;
  kRange?: { min: number; max: number } | null;
  algorithm?: ClusteringAlgorithm | null;
  filter?: AttributeCondition[] | null;
  subsegments?: number | null;
  seed?: number | null;
}

export interface RunRequestLimits {
  maxK: number;
  /** Widest automatic-k range (max − min + 1), since every k in it is clustered. */
  maxKRangeWidth: number;
}

const MAX_SUBSEGMENTS = 10;
const MAX_FILTER_CONDITIONS = 16;

/** Checks and completes a recluster request (BAD_USER_INPUT on anything out of bounds); pure but for a random default seed. */
export function validateRunRequest(input: ReclusterRequest, limits: RunRequestLimits): RunRequest {
  const k = input.k ?? null;
  const kRange = input.kRange ?? null;
  if (k !== null && kRange !== null) throw badInput('give k or kRange, not both');
  if (k !== null && (!Number.isInteger(k) || k < 2 || k > limits.maxK)) throw badInput(`k must be between 2 and ${limits.maxK}`);
  if (kRange) {
    const { min, max } = kRange;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 2 || max < min || max > limits.maxK) {
      throw badInput(`kRange needs 2 <= min <= max <= ${limits.maxK}`);
    }
    if (max - min + 1 > limits.maxKRangeWidth) throw badInput(`kRange may span at most ${limits.maxKRangeWidth} values of k`);
  }
  const subsegments = input.subsegments ?? null;
  if (subsegments !== null && (!Number.isInteger(subsegments) || subsegments < 2 || subsegments > MAX_SUBSEGMENTS)) {
    throw badInput(`subsegments must be between 2 and ${MAX_SUBSEGMENTS}`);
  }
  const filter = input.filter ?? [];
  if (filter.length > MAX_FILTER_CONDITIONS) throw badInput(`at most ${MAX_FILTER_CONDITIONS} filter conditions`);
  filter.forEach((c, i) => {
    const ops = (c.equals != null ? 1 : 0) + (c.in != null ? 1 : 0);
    if (c.attribute.trim() === '' || ops !== 1) throw badInput(`filter[${i}] needs an attribute and exactly one of equals and in`);
    if (c.in && (c.in.length === 0 || c.in.length > 100)) throw badInput(`filter[${i}].in needs 1 to 100 values`);
    checkIdentifier(c.attribute, `filter[${i}].attribute`, 'attribute names');
  });
  // Values are matched against stored attribute values, which were cleaned the same way.
  const cleanedFilter = filter.map((c, i) => ({
    ...c,
    equals: c.equals == null ? c.equals : cleanFreeText(c.equals, `filter[${i}].equals`),
    in: c.in == null ? c.in : c.in.map((v, j) => cleanFreeText(v, `filter[${i}].in[${j}]`)),
  }));
  const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0) throw badInput('seed must be a non-negative integer');
  return { k, kRange, algorithm: input.algorithm ?? 'KMEANS', filter: cleanedFilter, subsegments, seed };
}

/** The store filter selecting the users a run clusters. */
export function populationFilter(conditions: AttributeCondition[]): Filter | undefined {
  if (conditions.length === 0) return undefined;
  return {
    must: conditions.map((c) =>
      c.in ? { field: 'attrs', in: c.in.map((v) => `${c.attribute}=${v}`) } : { field: 'attrs', eq: `${c.attribute}=${c.equals}` },
    ),
  };
}

/** The same test as populationFilter, in memory (live assignment of one user). */
export function matchesFilter(attributes: Attributes, conditions: AttributeCondition[]): boolean {
  if (conditions.length === 0) return true;
  const flat = new Set(flattenAttributes(attributes));
  return conditions.every((c) => (c.in ? c.in.some((v) => flat.has(`${c.attribute}=${v}`)) : flat.has(`${c.attribute}=${c.equals}`)));
}
