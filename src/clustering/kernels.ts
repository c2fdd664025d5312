/**
 * Distance kernels over row-major matrices: rows of the data are Float32Array (as stored),
 * centres are Float64Array (they are means, accumulated in double precision).
 *
 * The functions are deliberately monomorphic (one array type per parameter) and hand-unrolled:
 * V8 does not vectorise loops, so the speed of a dense distance pass comes from keeping several
 * independent accumulators in registers and from loading each value once for several products.
 */

/** Squared L2 norm of every row of an n x d matrix. */
export function rowSquaredNorms(data: Float32Array, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = squaredNorm32(data, i * d, d);
  return norms;
}

export function squaredNorm32(x: Float32Array, offset: number, d: number): number {
  // One accumulator on purpose: this pass is bound by memory bandwidth, and the plain loop lets
  // V8 drop bounds checks that the hand-unrolled form keeps (measured ~1.5x faster).
  let s = 0;
  for (let t = 0; t < d; t++) {
    const v = x[offset + t]!;
    s += v * v;
  }
  return s;
}

export function squaredNorm64(x: Float64Array, offset: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += x[offset + t]! * x[offset + t]!;
  return s;
}

/**
 * Squared Euclidean distance between a data row and a centre, from the differences (not from
 * norms), so it is accurate even when the two are close. Four accumulators break the
 * dependency chain of a single running sum.
 */
export function squaredDistance(x: Float32Array, xOffset: number, c: Float64Array, cOffset: number, d: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let t = 0;
  for (; t + 3 < d; t += 4) {
    const e0 = x[xOffset + t]! - c[cOffset + t]!;
    const e1 = x[xOffset + t + 1]! - c[cOffset + t + 1]!;
    const e2 = x[xOffset + t + 2]! - c[cOffset + t + 2]!;
    const e3 = x[xOffset + t + 3]! - c[cOffset + t + 3]!;
    a0 += e0 * e0;
    a1 += e1 * e1;
    a2 += e2 * e2;
    a3 += e3 * e3;
  }
  for (; t < d; t++) {
    const e = x[xOffset + t]! - c[cOffset + t]!;
    a0 += e * e;
  }
  return a0 + a1 + a2 + a3;
}

/** Squared Euclidean distance between two rows of Float64 matrices (centre to centre). */
export function squaredDistance64(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const e = a[aOffset + t]! - b[bOffset + t]!;
    s += e * e;
  }
  return s;
}

/**
 * Squared distances from rows [start, end) of `x` to the first `m` rows of `centers`, written to
 * `out[(i - start) * m + j]`, as ||x||² + ||c||² - 2 x·c (clamped at 0).
 *
 * This is the dense O(rows · m · d) pass (first assignment, k-means++ candidates). It works on
 * 2 rows x 4 centres at a time: each loaded value feeds 4 or 2 products and the 8 running dot
 * products stay in registers, which is about 2.5x faster than one dot product at a time. The
 * norm expansion loses some relative precision for points very close to a centre; callers use
 * these values to choose among centres, and recompute with `squaredDistance` where exactness
 * matters.
 */
export function squaredDistancesToCenters(
  x: Float32Array,
  xNorms: Float64Array,
  start: number,
  end: number,
  d: number,
  centers: Float64Array,
  centerNorms: Float64Array,
  m: number,
  out: Float64Array,
): void {
  const m4 = m - (m % 4);
  let i = start;
  for (; i + 1 < end; i += 2) {
    const xo = i * d;
    const yo = xo + d;
    const nx = xNorms[i]!;
    const ny = xNorms[i + 1]!;
    const ox = (i - start) * m;
    const oy = ox + m;
    let j = 0;
    for (; j < m4; j += 4) {
      const c0 = j * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let t = 0; t < d; t++) {
        const u = x[xo + t]!, v = x[yo + t]!;
        const q0 = centers[c0 + t]!, q1 = centers[c1 + t]!, q2 = centers[c2 + t]!, q3 = centers[c3 + t]!;
        a0 += u * q0;
        a1 += u * q1;
        a2 += u * q2;
        a3 += u * q3;
        b0 += v * q0;
        b1 += v * q1;
        b2 += v * q2;
        b3 += v * q3;
      }
      out[ox + j] = clamp0(nx + centerNorms[j]! - 2 * a0);
      out[ox + j + 1] = clamp0(nx + centerNorms[j + 1]! - 2 * a1);
      out[ox + j + 2] = clamp0(nx + centerNorms[j + 2]! - 2 * a2);
      out[ox + j + 3] = clamp0(nx + centerNorms[j + 3]! - 2 * a3);
      out[oy + j] = clamp0(ny + centerNorms[j]! - 2 * b0);
      out[oy + j + 1] = clamp0(ny + centerNorms[j + 1]! - 2 * b1);
      out[oy + j + 2] = clamp0(ny + centerNorms[j + 2]! - 2 * b2);
      out[oy + j + 3] = clamp0(ny + centerNorms[j + 3]! - 2 * b3);
    }
    // Remaining 1-3 centres: 2 rows x 1 centre.
    for (; j < m; j++) {
      const co = j * d;
      let a = 0, b = 0;
      for (let t = 0; t < d; t++) {
        const q = centers[co + t]!;
        a += x[xo + t]! * q;
        b += x[yo + t]! * q;
      }
      out[ox + j] = clamp0(nx + centerNorms[j]! - 2 * a);
      out[oy + j] = clamp0(ny + centerNorms[j]! - 2 * b);
    }
  }
  // An odd last row: 1 row x 1 centre.
  for (; i < end; i++) {
    const xo = i * d;
    const ox = (i - start) * m;
    for (let j = 0; j < m; j++) {
      const co = j * d;
      let a = 0;
      for (let t = 0; t < d; t++) a += x[xo + t]! * centers[co + t]!;
      out[ox + j] = clamp0(xNorms[i]! + centerNorms[j]! - 2 * a);
    }
  }
}

function clamp0(v: number): number {
  return v > 0 ? v : 0;
}

/**
 * Symmetric m x m matrix of squared Euclidean distances between the rows of `rows`. Only the
 * upper triangle is computed (in blocks of rows against all later rows, with the dense kernel)
 * and then mirrored; the diagonal is 0.
 */
export function pairwiseSquaredDistances(rows: Float32Array, m: number, d: number): Float64Array {
  const norms = rowSquaredNorms(rows, m, d);
  const rows64 = Float64Array.from(rows.subarray(0, m * d));
  const out = new Float64Array(m * m);
  const block = 64;
  const scratch = new Float64Array(block * m);
  for (let start = 0; start < m; start += block) {
    const end = Math.min(m, start + block);
    const width = m - start;
    squaredDistancesToCenters(rows, norms, start, end, d, rows64.subarray(start * d), norms.subarray(start), width, scratch);
    for (let i = start; i < end; i++) {
      const o = (i - start) * width;
      for (let j = i + 1; j < m; j++) {
        const v = scratch[o + j - start]!;
        out[i * m + j] = v;
        out[j * m + i] = v;
      }
    }
  }
  return out;
}

/**
 * The dense pass behind one interface, so that k-means can use the WebAssembly SIMD kernel
 * (simd-kernel.ts) or this JavaScript one interchangeably: squared distances from a batch of
 * rows (any row indices) to a fixed set of m centres.
 */
export interface DenseDistances {
  /** Most rows per `squaredDistances` call. */
  readonly blockRows: number;
  /**
   * Error bound factor: a computed squared distance is within gamma · (||x||² + ||c||²) of
   * the exact one.
   */
  readonly gamma: number;
  setCenters(centers: Float64Array, centerNorms: Float64Array): void;
  /** out[r·m + j] = squared distance from row rows[r] of x to centre j, for r < count ≤ blockRows. */
  squaredDistances(x: Float32Array, xNorms: Float64Array, rows: Int32Array, count: number, out: Float64Array): void;
}

export class JsDistances implements DenseDistances {
  readonly blockRows = 256;
  /** Double accumulation of d exact float32 x float32 products, with margin. */
  readonly gamma: number;
  private centers: Float64Array = new Float64Array(0);
  private centerNorms: Float64Array = new Float64Array(0);
  private readonly gathered: Float32Array;
  private readonly gatheredNorms: Float64Array;

  constructor(
    private readonly d: number,
    private readonly m: number,
  ) {
    this.gamma = (d + 4) * 2 ** -52;
    this.gathered = new Float32Array(this.blockRows * d);
    this.gatheredNorms = new Float64Array(this.blockRows);
  }

  setCenters(centers: Float64Array, centerNorms: Float64Array): void {
    this.centers = centers;
    this.centerNorms = centerNorms;
  }

  squaredDistances(x: Float32Array, xNorms: Float64Array, rows: Int32Array, count: number, out: Float64Array): void {
    const { d, gathered, gatheredNorms } = this;
    for (let r = 0; r < count; r++) {
      gathered.set(x.subarray(rows[r]! * d, rows[r]! * d + d), r * d);
      gatheredNorms[r] = xNorms[rows[r]!]!;
    }
    squaredDistancesToCenters(gathered, gatheredNorms, 0, count, d, this.centers, this.centerNorms, this.m, out);
  }
}
