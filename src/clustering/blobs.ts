import { Random } from './random.js';

export interface BlobsOptions {
  n: number;
  d: number;
  /** Number of blobs (true clusters). */
  k: number;
  /** Standard deviation of every coordinate around its blob centre. Default 1. */
  std?: number;
  /** Blob centres are uniform in [-centerBox, centerBox]^d. Default 10 (as scikit-learn's make_blobs). */
  centerBox?: number;
  seed?: number;
}

export interface Blobs {
  /** Row-major n x d. */
  data: Float32Array;
  /** True blob of every row; blob sizes differ by at most one. */
  labels: Int32Array;
  /** Row-major k x d blob centres. */
  centers: Float32Array;
}

/**
 * Isotropic Gaussian blobs, like scikit-learn's `make_blobs` (seeded, deterministic): k centres
 * uniform in a box, n rows split evenly among them in shuffled order, each coordinate
 * centre + std · N(0, 1).
 */
export function makeBlobs(options: BlobsOptions): Blobs {
  const { n, d, k } = options;
  const std = options.std ?? 1;
  const box = options.centerBox ?? 10;
  const rng = new Random(options.seed ?? 0);
  const centers = new Float32Array(k * d);
  for (let i = 0; i < centers.length; i++) centers[i] = (rng.next() * 2 - 1) * box;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % k;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = labels[i]!;
    labels[i] = labels[j]!;
    labels[j] = t;
  }
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const co = labels[i]! * d;
    for (let t = 0; t < d; t++) data[i * d + t] = centers[co + t]! + std * rng.gaussian();
  }
  return { data, labels, centers };
}
