import type { Attributes } from '../../app/validation.js';
import { USERS } from '../../store/collections.js';
import type { VectorStore } from '../../store/port.js';
import { sampleHash, type SampledUsers } from './profile-sample.js';

/**
 * Every segment is described from at least this many members (all of them when it is
 * smaller): a uniform sample gives a segment of 0.1% of a million users only ~50 profiles, so
 * after clustering the sample is topped up per segment (stratified), read back from the store.
 */
export const DESCRIBE_MIN_PER_SEGMENT = 200;

/** Users per store call when topping up. */
const GET_CHUNK = 1000;

/**
 * Rows to add to the sample so that every segment has min(size, minPerSegment) sampled
 * members, at most `maxRows` in all; within a segment, the rows with the smallest seeded hash
 * (the same order the sample itself uses). Ascending. Pure.
 */
export function topUpRows(
  ids: readonly string[],
  assignments: Int32Array,
  k: number,
  sampled: Int32Array,
  options: { minPerSegment: number; seed: number; maxRows: number },
): Int32Array {
  const sizes = new Int32Array(k);
  for (const c of assignments) sizes[c]! += 1;
  const have = new Int32Array(k);
  for (const row of sampled) have[assignments[row]!]! += 1;
  const need = Int32Array.from(sizes, (size, c) => Math.max(0, Math.min(size, options.minPerSegment) - have[c]!));
  if (need.every((x) => x === 0)) return new Int32Array(0);
  const inSample = new Uint8Array(assignments.length);
  for (const row of sampled) inSample[row] = 1;
  const candidates = new Map<number, Array<{ row: number; hash: number }>>();
  for (let row = 0; row < assignments.length; row++) {
    const c = assignments[row]!;
    if (need[c] === 0 || inSample[row]) continue;
    let list = candidates.get(c);
    if (!list) candidates.set(c, (list = []));
    list.push({ row, hash: sampleHash(options.seed, ids[row]!) });
  }
  const chosen: number[] = [];
  for (const [c, list] of [...candidates].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => a.hash - b.hash || a.row - b.row);
    for (const { row } of list.slice(0, Math.min(need[c]!, options.maxRows - chosen.length))) chosen.push(row);
  }
  return Int32Array.from(chosen.sort((a, b) => a - b));
}

/**
 * Reads the own text and attributes of the top-up rows' users from the store and merges them
 * into the sample (row order). A user erased or changed since the scroll is described as the
 * store has them now, or left out.
 */
export async function topUpSample(store: VectorStore, ids: readonly string[], sample: SampledUsers, extra: Int32Array): Promise<SampledUsers> {
  if (extra.length === 0) return sample;
  const found = new Map<number, { ownText: string | null; attributes: Attributes }>();
  for (let start = 0; start < extra.length; start += GET_CHUNK) {
    const rows = extra.subarray(start, start + GET_CHUNK);
    const records = await store.get(USERS, Array.from(rows, (row) => ids[row]!));
    const rowOf = new Map(Array.from(rows, (row) => [ids[row]!, row] as const));
    for (const r of records) {
      found.set(rowOf.get(r.id)!, { ownText: (r.payload.text as string | null | undefined) ?? null, attributes: (r.payload.attributes as Attributes | undefined) ?? {} });
    }
  }
  const merged = [
    ...Array.from(sample.rows, (row, s) => ({ row, ownText: sample.ownTexts[s] ?? null, attributes: sample.attributes[s]! })),
    ...[...found].map(([row, p]) => ({ row, ...p })),
  ].sort((a, b) => a.row - b.row);
  return { rows: Int32Array.from(merged, (m) => m.row), ownTexts: merged.map((m) => m.ownText), attributes: merged.map((m) => m.attributes) };
}
