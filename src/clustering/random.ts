/**
 * A small seeded PRNG so every clustering run is reproducible from its seed, independent of
 * Math.random and of the JavaScript engine. Mulberry32: 32 bits of state, one multiply-xorshift
 * round per draw; statistically good enough for sampling and seeding (it is not cryptographic).
 */
export class Random {
  private state: number;
  /** Second Box-Muller deviate, kept for the next `gaussian()` call. */
  private spare: number | undefined;

  constructor(seed: number) {
    // Mix the seed once so that nearby seeds (0, 1, 2, ...) start far apart.
    this.state = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** Standard normal deviate (Box-Muller, both deviates used). */
  gaussian(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next(); // log(0) would be -Infinity
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * `m` distinct indices from [0, n), in increasing order (so that gathering the rows reads memory
   * forwards). Partial Fisher-Yates over a virtual identity permutation: O(m) time and memory.
   */
  sampleIndices(n: number, m: number): Int32Array {
    if (m >= n) return Int32Array.from({ length: n }, (_, i) => i);
    const swapped = new Map<number, number>();
    const out = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const j = i + this.int(n - i);
      const atJ = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      out[i] = atJ;
    }
    return out.sort();
  }
}
