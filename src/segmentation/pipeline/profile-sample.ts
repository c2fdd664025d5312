import type { Attributes } from '../../app/validation.js';

/**
 * Users (their own text and attributes; their profile texts are built from these afterwards,
 * see profile-text-step.ts) a run describes its segments from, when the population is
 * larger than DESCRIBE_SAMPLE_SIZE: keywords, traits and top items are shares and lifts,
 * which a uniform sample of tens of thousands estimates closely, while holding every text of
 * a million users would take hundreds of MB of the main thread's heap.
 *
 * The sample is a seeded bottom-k sample: each user gets a hash of (seed, user id) and the
 * `capacity` smallest hashes are kept, so it is uniform, the same for the same users and
 * seed whatever the scroll order, and built in one pass holding at most `capacity` profiles.
 * Segment sizes, shares, centroids and memberships always come from every user, never the sample.
 */
/** Sampled rows (indices into the population) in row order, with each user's own text and attributes. */
export interface SampledUsers {
  rows: Int32Array;
  /** What each user wrote (null when nothing): not yet their profile text. */
  ownTexts: Array<string | null>;
  attributes: Attributes[];
}

export class ProfileSample {
  /** A max-heap on hash over the kept entries (the root is the first to go). */
  private readonly heap: Array<{ hash: number; row: number; ownText: string | null; attributes: Attributes }> = [];

  constructor(
    readonly capacity: number,
    private readonly seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`sample capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.heap.length;
  }

  /**
   * Offers row `row` (user `id`); kept if its hash is among the `capacity` smallest so far.
   * The profile is read only then (most rows of a large population never are).
   */
  offer(row: number, id: string, profile: () => { ownText: string | null; attributes: Attributes }): void {
    const hash = sampleHash(this.seed, id);
    const heap = this.heap;
    if (heap.length < this.capacity) {
      heap.push({ hash, row, ...profile() });
      this.siftUp(heap.length - 1);
    } else if (before(hash, row, heap[0]!.hash, heap[0]!.row)) {
      heap[0] = { hash, row, ...profile() };
      this.siftDown(0);
    }
  }

  /** The kept users in row order. */
  result(): SampledUsers {
    const kept = [...this.heap].sort((a, b) => a.row - b.row);
    return { rows: Int32Array.from(kept, (e) => e.row), ownTexts: kept.map((e) => e.ownText), attributes: kept.map((e) => e.attributes) };
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[parent]!.hash, heap[parent]!.row, heap[i]!.hash, heap[i]!.row)) return;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < heap.length && before(heap[largest]!.hash, heap[largest]!.row, heap[left]!.hash, heap[left]!.row)) largest = left;
      if (right < heap.length && before(heap[largest]!.hash, heap[largest]!.row, heap[right]!.hash, heap[right]!.row)) largest = right;
      if (largest === i) return;
      [heap[largest], heap[i]] = [heap[i]!, heap[largest]!];
      i = largest;
    }
  }
}

/** Order of the sample: by hash, ties by row. */
const before = (hashA: number, rowA: number, hashB: number, rowB: number) => hashA < hashB || (hashA === hashB && rowA < rowB);

/** 32-bit FNV-1a of the id, seeded and finished with MurmurHash3's mixer (FNV alone mixes its last bytes poorly). */
export function sampleHash(seed: number, id: string): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
