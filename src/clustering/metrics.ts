/**
 * Clustering quality metrics over a row-major Float32Array (n x d) and a labeling (cluster index
 * per row, 0..k-1). Definitions follow scikit-learn's (silhouette_score, davies_bouldin_score,
 * calinski_harabasz_score) so numbers can be compared; where a metric is undefined (fewer than two
 * non-empty clusters, an empty cluster's cohesion, ...) the result is NaN rather than an exception.
 */
import { pairwiseSquaredDistances, squaredNorm32 } from './kernels.js';
import { Random } from './random.js';

/** Rows used by `silhouetteScore` when n is larger: exact below, a seeded sample above. */
export const DEFAULT_SILHOUETTE_SAMPLE_SIZE = 2000;

export type DistanceMetric = 'euclidean' | 'cosine';

/** Number of label slots (max label + 1); throws on a negative or non-integer label. */
function labelSlots(labels: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0) throw new RangeError(`labels must be non-negative integers, got ${l} at ${i}`);
    if (l > max) max = l;
  }
  return max + 1;
}

/** Per-cluster means (k x d, float64) and sizes; an empty cluster's mean is all zeros. */
export function clusterMeans(data: Float32Array, n: number, d: number, labels: ArrayLike<number>, k = labelSlots(labels)): { means: Float64Array; sizes: Int32Array } {
  const means = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    sizes[c]! += 1;
    const co = c * d;
    const xo = i * d;
    for (let t = 0; t < d; t++) means[co + t]! += data[xo + t]!;
  }
  for (let c = 0; c < k; c++) if (sizes[c]! > 0) for (let t = 0; t < d; t++) means[c * d + t]! /= sizes[c]!;
  return { means, sizes };
}

/** Sum of squared Euclidean distances of rows to their cluster's centroid (SSE, k-means' objective). */
export function inertia(data: Float32Array, n: number, d: number, labels: ArrayLike<number>, centroids: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const co = labels[i]! * d;
    for (let t = 0; t < d; t++) {
      const e = data[xo + t]! - centroids[co + t]!;
      total += e * e;
    }
  }
  return total;
}

export interface SilhouetteOptions {
  /** Above this many rows, the score is computed on a seeded random sample of this size. Default 2000. */
  sampleSize?: number;
  seed?: number;
  /** Default 'euclidean' (as scikit-learn); 'cosine' uses 1 − cos(x, y). */
  metric?: DistanceMetric;
}

export interface DistanceSample {
  /** Indices of the sampled rows (increasing), or all rows. */
  rows: Int32Array;
  /** Symmetric rows.length² matrix of distances between the sampled rows. */
  distances: Float64Array;
}

/**
 * Distances between min(n, sampleSize) seeded-random rows: O(m² · d) once. The silhouette of
 * any labeling of those rows then costs O(m²), which is what `chooseK` relies on.
 */
export function sampleDistances(data: Float32Array, n: number, d: number, options: SilhouetteOptions = {}): DistanceSample {
  const sampleSize = options.sampleSize ?? DEFAULT_SILHOUETTE_SAMPLE_SIZE;
  const metric = options.metric ?? 'euclidean';
  const rows = new Random(options.seed ?? 0).sampleIndices(n, Math.min(n, sampleSize));
  const m = rows.length;
  const sample = new Float32Array(m * d);
  for (let i = 0; i < m; i++) sample.set(data.subarray(rows[i]! * d, rows[i]! * d + d), i * d);
  const distances = pairwiseSquaredDistances(sample, m, d);
  if (metric === 'euclidean') {
    for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(distances[i]!);
  } else {
    // From squared Euclidean distances, in double precision: x·y = (|x|² + |y|² − |x − y|²) / 2.
    // A zero row has cosine 0 with everything (distance 1), as scikit-learn.
    const norms = new Float64Array(m);
    for (let i = 0; i < m; i++) norms[i] = squaredNorm32(sample, i * d, d);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const o = i * m + j;
        const scale = Math.sqrt(norms[i]! * norms[j]!);
        const cos = scale > 0 ? (norms[i]! + norms[j]! - distances[o]!) / 2 / scale : 0;
        distances[o] = i === j ? 0 : 1 - cos;
      }
    }
  }
  return { rows, distances };
}

/**
 * Mean silhouette of m rows given their pairwise distances (m x m) and labels: for row i,
 * a = mean distance to the rest of its cluster, b = lowest mean distance to another cluster,
 * s = (b − a) / max(a, b), and s = 0 for a row alone in its cluster. NaN unless
 * 2 ≤ number of clusters present ≤ m − 1 (where scikit-learn raises).
 */
export function silhouetteFromDistances(distances: Float64Array, m: number, labelsIn: ArrayLike<number>): number {
  const labels = Int32Array.from({ length: m }, (_, i) => labelsIn[i]!); // monomorphic for the O(m²) loop
  const k = labelSlots(labels);
  const sizes = new Float64Array(k);
  for (let i = 0; i < m; i++) sizes[labels[i]!]! += 1;
  let present = 0;
  for (let c = 0; c < k; c++) if (sizes[c]! > 0) present++;
  if (present < 2 || present > m - 1) return NaN;

  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < m; i++) {
    sums.fill(0);
    const row = i * m;
    for (let j = 0; j < m; j++) sums[labels[j]!]! += distances[row + j]!; // d(i, i) = 0
    const own = labels[i]!;
    if (sizes[own] === 1) continue; // s = 0
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    }
    const denominator = Math.max(a, b);
    if (denominator > 0) total += (b - a) / denominator;
  }
  return total / m;
}

/**
 * Mean silhouette coefficient, in [-1, 1] (higher: tighter, better separated clusters).
 * Exact (O(n² · d)) when n ≤ sampleSize (default 2000); otherwise computed on a seeded random
 * sample of sampleSize rows, as scikit-learn's silhouette_score(sample_size=...) does.
 */
export function silhouetteScore(data: Float32Array, n: number, d: number, labels: ArrayLike<number>, options: SilhouetteOptions = {}): number {
  const { rows, distances } = sampleDistances(data, n, d, options);
  const sampledLabels = Int32Array.from(rows, (r) => labels[r]!);
  return silhouetteFromDistances(distances, rows.length, sampledLabels);
}

/**
 * Davies-Bouldin index (lower is better, 0 at best): the mean over clusters of the worst ratio
 * (S_i + S_j) / |μ_i − μ_j|, S being the mean distance of members to their mean. Empty label
 * slots are ignored; NaN with fewer than two clusters.
 */
export function daviesBouldin(data: Float32Array, n: number, d: number, labels: ArrayLike<number>): number {
  const { means, sizes } = clusterMeans(data, n, d, labels);
  const k = sizes.length;
  const clusters = [...sizes.keys()].filter((c) => sizes[c]! > 0);
  if (clusters.length < 2) return NaN;
  const scatter = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const e = data[i * d + t]! - means[c * d + t]!;
      s += e * e;
    }
    scatter[c]! += Math.sqrt(s) / sizes[c]!;
  }
  const gap = (a: number, b: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const e = means[a * d + t]! - means[b * d + t]!;
      s += e * e;
    }
    return Math.sqrt(s);
  };
  // scikit-learn's conventions: all-zero scatter or all-coincident means score 0; a pair of
  // coincident means is skipped (its distance counts as infinite).
  let total = 0;
  let anyScatter = false;
  let anyGap = false;
  for (const a of clusters) {
    if (scatter[a]! > 0) anyScatter = true;
    let worst = 0;
    for (const b of clusters) {
      if (a === b) continue;
      const g = gap(a, b);
      if (g > 0) {
        anyGap = true;
        worst = Math.max(worst, (scatter[a]! + scatter[b]!) / g);
      }
    }
    total += worst;
  }
  if (!anyScatter || !anyGap) return 0;
  return total / clusters.length;
}

/**
 * Calinski-Harabasz index (variance ratio; higher is better): between-cluster dispersion over
 * within-cluster dispersion, each divided by its degrees of freedom (k − 1, n − k). 1 when every
 * cluster is a single point repeated (no within-cluster dispersion), as scikit-learn; NaN with
 * fewer than two clusters.
 */
export function calinskiHarabasz(data: Float32Array, n: number, d: number, labels: ArrayLike<number>): number {
  const { means, sizes } = clusterMeans(data, n, d, labels);
  const clusters = [...sizes.keys()].filter((c) => sizes[c]! > 0);
  if (clusters.length < 2 || clusters.length >= n) return NaN;
  const overall = new Float64Array(d);
  for (const c of clusters) for (let t = 0; t < d; t++) overall[t]! += (means[c * d + t]! * sizes[c]!) / n;
  let between = 0;
  for (const c of clusters) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const e = means[c * d + t]! - overall[t]!;
      s += e * e;
    }
    between += sizes[c]! * s;
  }
  const within = inertia(data, n, d, labels, means);
  if (within === 0) return 1;
  return (between * (n - clusters.length)) / (within * (clusters.length - 1));
}

export interface ClusterStats {
  cluster: number;
  size: number;
  /** size / n. */
  share: number;
  /** Mean cosine similarity of members to the centroid (1: all point the centroid's way). NaN when empty. */
  cohesion: number;
  /** Cosine distance (1 − cos) from this centroid to the nearest other centroid. NaN when k = 1. */
  separation: number;
}

function cosine(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let ab = 0, aa = 0, bb = 0;
  for (let t = 0; t < d; t++) {
    const x = a[ao + t]!;
    const y = b[bo + t]!;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Size, share, cohesion and separation of each of the k clusters. `centroids` (k x d) default to
 * the members' means.
 */
export function clusterStats(
  data: Float32Array,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  k: number,
  centroids?: ArrayLike<number>,
): ClusterStats[] {
  const { means, sizes } = clusterMeans(data, n, d, labels, k);
  const centers = centroids ?? means;
  const cosineSums = new Float64Array(k);
  for (let i = 0; i < n; i++) cosineSums[labels[i]!]! += cosine(data, i * d, centers, labels[i]! * d, d);
  return Array.from({ length: k }, (_, c) => {
    let separation = Infinity;
    for (let o = 0; o < k; o++) if (o !== c) separation = Math.min(separation, 1 - cosine(centers, c * d, centers, o * d, d));
    return {
      cluster: c,
      size: sizes[c]!,
      share: n > 0 ? sizes[c]! / n : 0,
      cohesion: sizes[c]! > 0 ? cosineSums[c]! / sizes[c]! : NaN,
      separation: k > 1 ? separation : NaN,
    };
  });
}

export interface ClusteringQuality {
  inertia: number;
  /** See `silhouetteScore`; `silhouetteSampleSize` says how many rows it used. */
  silhouette: number;
  silhouetteSampleSize: number;
  daviesBouldin: number;
  calinskiHarabasz: number;
  clusters: ClusterStats[];
}

/** All of the above for one clustering. */
export function clusteringQuality(
  data: Float32Array,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  k: number,
  options: SilhouetteOptions & { centroids?: ArrayLike<number> } = {},
): ClusteringQuality {
  const centroids = options.centroids ?? clusterMeans(data, n, d, labels, k).means;
  return {
    inertia: inertia(data, n, d, labels, centroids),
    silhouette: silhouetteScore(data, n, d, labels, options),
    silhouetteSampleSize: Math.min(n, options.sampleSize ?? DEFAULT_SILHOUETTE_SAMPLE_SIZE),
    daviesBouldin: daviesBouldin(data, n, d, labels),
    calinskiHarabasz: calinskiHarabasz(data, n, d, labels),
    clusters: clusterStats(data, n, d, labels, k, centroids),
  };
}
