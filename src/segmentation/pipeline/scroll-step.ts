import type { Attributes } from '../../app/validation.js';
import { USERS } from '../../store/collections.js';
import type { Filter, VectorStore } from '../../store/port.js';
import { GrowableMatrix } from './growable-matrix.js';
import { ProfileSample, type SampledUsers } from './profile-sample.js';

/** What a run clusters and describes: every user's id and vector, and a sample of the users' own fields. */
export interface ScrolledPopulation {
  /** User id of each row. */
  ids: string[];
  /** Row-major n × d vectors in one buffer (handed to the clustering worker, not copied). */
  matrix: Float32Array;
  n: number;
  d: number;
  /** Own text and attributes of a seeded sample of rows, in row order (see ProfileSample). */
  sample: SampledUsers;
  /** Users left out because their vector is zero (nothing the model could represent, no behaviour). */
  unrepresentedUsers: number;
}

export interface ScrollStepOptions {
  filter?: Filter;
  /** Most profiles kept for describing. */
  sampleSize: number;
  seed: number;
  signal?: AbortSignal;
  /** After every page: rows read so far and the count the store gave at the start. */
  onPage?: (rows: number, expected: number) => void;
}

/**
 * Scroll step: streams the population batch by batch (one pass over the store, in its own
 * order), appending each vector to one growing Float32Array (pre-sized from the store's count)
 * and offering each user (own text and attributes) to the sample; then puts the rows in id order, in place, so a run
 * with a given seed does not depend on where the store happens to keep its rows. Only a batch
 * of records, the ids, the matrix and the sample are held at any time.
 */
export async function scrollPopulation(store: VectorStore, options: ScrollStepOptions): Promise<ScrolledPopulation> {
  const expected = await store.count(USERS, options.filter);
  const ids: string[] = [];
  const sample = new ProfileSample(options.sampleSize, options.seed);
  let matrix: GrowableMatrix | null = null;
  // A zero vector is no nearer one segment than another: such users are counted, not clustered.
  let unrepresentedUsers = 0;
  options.signal?.throwIfAborted();
  for await (const batch of store.stream(USERS, { filter: options.filter, withVector: true })) {
    options.signal?.throwIfAborted();
    for (const record of batch) {
      if (!record.vector) continue;
      if (!record.vector.some((x) => x !== 0)) {
        unrepresentedUsers++;
        continue;
      }
      matrix ??= new GrowableMatrix(record.vector.length, expected);
      matrix.append(record.vector);
      sample.offer(ids.length, record.id, () => ({
        ownText: (record.payload.text as string | null | undefined) ?? null,
        attributes: (record.payload.attributes as Attributes | undefined) ?? {},
      }));
      ids.push(record.id);
    }
    options.onPage?.(ids.length, expected);
  }
  options.signal?.throwIfAborted();
  const d = matrix?.dimension ?? 0;
  const vectors = matrix?.take() ?? new Float32Array(0);
  const order = idOrder(ids);
  permuteRows(vectors, d, order);
  const position = new Int32Array(order.length);
  for (let row = 0; row < order.length; row++) position[order[row]!] = row;
  const sorted = order.length === 0 ? [] : Array.from(order, (from) => ids[from]!);
  return { ids: sorted, matrix: vectors, n: sorted.length, d, sample: remapSample(sample.result(), position), unrepresentedUsers };
}

/** Row indices in id order (UTF-16 code unit order, the same every time). */
export function idOrder(ids: readonly string[]): Uint32Array {
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
}

/**
 * Reorders the rows of a row-major matrix in place so that row r becomes old row order[r],
 * following each cycle of the permutation with one spare row (no second matrix).
 */
export function permuteRows(matrix: Float32Array, d: number, order: Uint32Array): void {
  const done = new Uint8Array(order.length);
  const spare = new Float32Array(d);
  for (let start = 0; start < order.length; start++) {
    if (done[start] || order[start] === start) continue;
    spare.set(matrix.subarray(start * d, (start + 1) * d));
    let at = start;
    for (;;) {
      done[at] = 1;
      const from = order[at]!;
      if (from === start) {
        matrix.set(spare, at * d);
        break;
      }
      matrix.copyWithin(at * d, from * d, (from + 1) * d);
      at = from;
    }
  }
}

function remapSample(sample: SampledUsers, position: Int32Array): SampledUsers {
  const entries = Array.from(sample.rows, (row, i) => ({ row: position[row]!, ownText: sample.ownTexts[i] ?? null, attributes: sample.attributes[i]! }));
  entries.sort((a, b) => a.row - b.row);
  return { rows: Int32Array.from(entries, (e) => e.row), ownTexts: entries.map((e) => e.ownText), attributes: entries.map((e) => e.attributes) };
}
