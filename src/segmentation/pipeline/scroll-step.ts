import type { Attributes } from '../../app/validation.js';
import { USERS } from '../../store/collections.js';
import type { Filter, VectorStore } from '../../store/port.js';
import { GrowableMatrix } from './growable-matrix.js';
import { ProfileSample } from './profile-sample.js';

/** What a run clusters and describes: every user's id and vector, and a sample of their profiles. */
export interface ScrolledPopulation {
  /** User id of each row. */
  ids: string[];
  /** Row-major n × d vectors in one buffer (handed to the clustering worker, not copied). */
  matrix: Float32Array;
  n: number;
  d: number;
  /** Profiles of a seeded sample of rows, in row order (see ProfileSample). */
  sample: { rows: Int32Array; texts: string[]; attributes: Attributes[] };
  /** Users left out because their vector is zero (nothing the model could represent, no behaviour). */
  unrepresentedUsers: number;
}

export interface ScrollStepOptions {
  filter?: Filter;
  /** Users per store page. */
  pageSize: number;
  /** Most profiles kept for describing. */
  sampleSize: number;
  seed: number;
  signal?: AbortSignal;
  /** After every page: rows read so far and the count the store gave at the start. */
  onPage?: (rows: number, expected: number) => void;
}

/**
 * Scroll step: reads the population page by page, appending each vector to one growing
 * Float32Array (pre-sized from the store's count) and offering each profile to the sample.
 * Only a page of records, the ids, the matrix and the sample are held at any time.
 */
export async function scrollPopulation(store: VectorStore, options: ScrollStepOptions): Promise<ScrolledPopulation> {
  const expected = await store.count(USERS, options.filter);
  const ids: string[] = [];
  const sample = new ProfileSample(options.sampleSize, options.seed);
  let matrix: GrowableMatrix | null = null;
  let cursor: string | undefined;
  // A zero vector is no nearer one segment than another: such users are counted, not clustered.
  let unrepresentedUsers = 0;
  do {
    options.signal?.throwIfAborted();
    const page = await store.scroll(USERS, { filter: options.filter, limit: options.pageSize, cursor, withVector: true });
    for (const record of page.records) {
      if (!record.vector) continue;
      if (!record.vector.some((x) => x !== 0)) {
        unrepresentedUsers++;
        continue;
      }
      matrix ??= new GrowableMatrix(record.vector.length, expected);
      matrix.append(record.vector);
      sample.offer(ids.length, record.id, (record.payload.profileText as string | undefined) ?? '', (record.payload.attributes as Attributes | undefined) ?? {});
      ids.push(record.id);
    }
    cursor = page.nextCursor;
    options.onPage?.(ids.length, expected);
  } while (cursor);
  const d = matrix?.dimension ?? 0;
  return { ids, matrix: matrix?.take() ?? new Float32Array(0), n: ids.length, d, sample: sample.result(), unrepresentedUsers };
}
