/**
 * An in-memory "may contain" set of record ids, like a Bloom filter but growable: each id is
 * kept as a 64-bit hash (two 32-bit halves) in an open-addressing table, 16 bytes a slot at
 * most half full (about 16 MB per million ids, instead of ~70 MB for a Set of the strings).
 *
 * The embedded store asks it before touching the table: an id it has never seen is certainly
 * not stored, so a batch of new ids is appended without a lookup, which would otherwise scan
 * every fragment written since the last compaction. A hit only means "maybe": the caller
 * checks the table for those ids. Two different ids share a 64-bit hash with probability
 * ~n / 2^64 per lookup, and a wrong "maybe" costs one lookup, never a wrong answer. Deleted
 * ids stay in the sieve for the same reason: it may over-report, never under-report.
 */
export class IdSieve {
  #high: Uint32Array;
  #low: Uint32Array;
  #size = 0;

  constructor(expected = 1024) {
    const slots = nextPowerOfTwo(Math.max(16, expected * 2));
    this.#high = new Uint32Array(slots);
    this.#low = new Uint32Array(slots);
  }

  /** Distinct hashes held (ids added, deleted ones included). */
  get size(): number {
    return this.#size;
  }

  add(id: string): void {
    if ((this.#size + 1) * 2 > this.#high.length) this.#grow();
    const [high, low] = hash64(id);
    this.#insert(high, low);
  }

  /** False: `id` was never added. True: it may have been. */
  mayContain(id: string): boolean {
    const [high, low] = hash64(id);
    const mask = this.#high.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const h = this.#high[slot]!;
      const l = this.#low[slot]!;
      if (h === 0 && l === 0) return false;
      if (h === high && l === low) return true;
    }
  }

  #insert(high: number, low: number): void {
    const mask = this.#high.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      const h = this.#high[slot]!;
      const l = this.#low[slot]!;
      if (h === high && l === low) return;
      if (h === 0 && l === 0) {
        this.#high[slot] = high;
        this.#low[slot] = low;
        this.#size++;
        return;
      }
    }
  }

  #grow(): void {
    const high = this.#high;
    const low = this.#low;
    this.#high = new Uint32Array(high.length * 2);
    this.#low = new Uint32Array(low.length * 2);
    this.#size = 0;
    for (let i = 0; i < high.length; i++) {
      if (high[i] !== 0 || low[i] !== 0) this.#insert(high[i]!, low[i]!);
    }
  }
}

/**
 * Two independent 32-bit hashes of the id's UTF-16 code units (MurmurHash3's mixing with two
 * seeds). (0, 0) marks an empty slot, so an id hashing there is stored as (0, 1).
 */
export function hash64(id: string): [number, number] {
  let a = 0x9747b28c;
  let b = 0x1b873593;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0xcc9e2d51);
    a = (a << 15) | (a >>> 17);
    a = Math.imul(a, 0x1b873593) + 0xe6546b64;
    b = Math.imul(b ^ c, 0x85ebca6b);
    b = (b << 13) | (b >>> 19);
    b = Math.imul(b, 0xc2b2ae35) + 0x165667b1;
  }
  a = fmix(a ^ id.length);
  b = fmix(b ^ id.length);
  return a === 0 && b === 0 ? [0, 1] : [a >>> 0, b >>> 0];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}
