/**
 * A 2-D projection of a run for plots (README "Projection"): PCA of the clustered vectors by
 * power iteration on their covariance (never formed: each step is two passes over the sampled
 * rows), then centroids and a seeded sample of members projected onto the first two components.
 */

/** Members a run projects and stores (the API returns a prefix of them: the sample is already random). */
export const PROJECTION_SAMPLE_SIZE = 2000;
const POWER_ITERATIONS = 100;

export interface Pca2 {
  mean: Float32Array;
  /** Two orthonormal directions of largest variance, each of length d. */
  components: [Float64Array, Float64Array];
}

/** A small seeded generator (mulberry32): the same seed gives the same sample. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Up to `size` distinct row numbers of 0..n-1, chosen with the seed (partial Fisher-Yates), in sampled order. */
export function sampleRows(n: number, size: number, seed: number): Int32Array {
  const take = Math.min(n, size);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const next = random(seed);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(next() * (n - i));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows.slice(0, take);
}

/** PCA (2 components) of the given rows of a row-major n×d matrix. Pure and deterministic for a seed. */
export function pca2(data: Float32Array, d: number, rows: Int32Array, seed = 1): Pca2 {
  const mean = new Float32Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += data[r * d + j]! / rows.length;
  const next = random(seed);
  const first = powerIteration(data, d, rows, mean, null, next);
  const second = powerIteration(data, d, rows, mean, first, next);
  return { mean, components: [first, second] };
}

/** The leading eigenvector of the covariance (deflated by `against`, when given). */
function powerIteration(data: Float32Array, d: number, rows: Int32Array, mean: Float32Array, against: Float64Array | null, next: () => number): Float64Array {
  let v = Float64Array.from({ length: d }, () => next() - 0.5);
  orthonormalize(v, against);
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    const w = new Float64Array(d);
    for (const r of rows) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += (data[r * d + j]! - mean[j]!) * v[j]!;
      for (let j = 0; j < d; j++) w[j]! += dot * (data[r * d + j]! - mean[j]!);
    }
    if (!orthonormalize(w, against)) break; // no variance left in this direction
    let change = 0;
    for (let j = 0; j < d; j++) change += Math.abs(w[j]! - v[j]!);
    v = w;
    if (change < 1e-9) break;
  }
  return v;
}

/** Removes the part along `against` and scales to unit length; false when nothing is left. */
function orthonormalize(v: Float64Array, against: Float64Array | null): boolean {
  if (against) {
    let dot = 0;
    for (let j = 0; j < v.length; j++) dot += v[j]! * against[j]!;
    for (let j = 0; j < v.length; j++) v[j]! -= dot * against[j]!;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm < 1e-12) return false;
  for (let j = 0; j < v.length; j++) v[j]! /= norm;
  return true;
}

/** Coordinates of one vector (at `offset` in `data`) on the two components. */
export function project(pca: Pca2, data: Float32Array, offset: number): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (let j = 0; j < pca.mean.length; j++) {
    const c = data[offset + j]! - pca.mean[j]!;
    x += c * pca.components[0][j]!;
    y += c * pca.components[1][j]!;
  }
  return { x, y };
}

export interface RunProjection {
  centroids: Array<{ segmentIndex: number; x: number; y: number }>;
  members: Array<{ userId: string; segmentIndex: number; x: number; y: number }>;
}

/** The projection a run stores: PCA fitted on a seeded member sample, centroids and that sample projected. */
export function projectRun(input: {
  data: Float32Array;
  n: number;
  d: number;
  ids: readonly string[];
  assignments: Int32Array;
  centroids: Float32Array;
  k: number;
  seed: number;
  sampleSize?: number;
}): RunProjection {
  const rows = sampleRows(input.n, input.sampleSize ?? PROJECTION_SAMPLE_SIZE, input.seed);
  const pca = pca2(input.data, input.d, rows, input.seed);
  const round = (p: { x: number; y: number }) => ({ x: Math.round(p.x * 1e6) / 1e6, y: Math.round(p.y * 1e6) / 1e6 });
  return {
    centroids: Array.from({ length: input.k }, (_, c) => ({ segmentIndex: c, ...round(project(pca, input.centroids, c * input.d)) })),
    members: Array.from(rows, (r) => ({ userId: input.ids[r]!, segmentIndex: input.assignments[r]!, ...round(project(pca, input.data, r * input.d)) })),
  };
}
