/**
 * k-means (Lloyd's algorithm) over a row-major Float32Array (n x d), made fast three ways:
 *
 * - Seeding: greedy k-means++ (as scikit-learn) on a bounded random sample, default 256·k rows,
 *   so it costs O(256·k² · trials · d) instead of O(n · k · trials · d). On n = 50,000, d = 384,
 *   k = 16 the full-data version is most of scikit-learn's fit time (≈ 0.7 s of ≈ 0.9 s).
 * - Pruning: Hamerly's bounds ("Making k-means even faster", SDM 2010). Every row keeps an upper
 *   bound on the distance to its own centre and one lower bound on the distance to any other;
 *   after each update the bounds move by how far the centres moved, and a row whose bounds
 *   still rule out every other centre costs two comparisons and no distance. Once centres
 *   settle that is nearly every row. Centroid sums are updated incrementally when a row
 *   changes cluster, so an iteration does not re-read the whole matrix either.
 * - Distances that must be computed (all of them in the first assignment; the rows the bounds
 *   cannot settle later) go in batches through a WebAssembly SIMD kernel (simd-kernel.ts),
 *   about 5x faster than the best JavaScript loop, all k centres per row at once.
 *
 * Results do not depend on the kernel: its float32 error is bounded, bounds are widened by it,
 * and near ties are settled in double precision (tests check this against ml-kmeans).
 *
 * Memory beyond the input: O(n) (norms, bounds, assignments: 28 bytes a row), O(k·d), the
 * seeding sample (at most 256·k rows) and the kernel's block buffer (256 rows). The input is
 * never copied whole.
 */
import { type DenseDistances, rowSquaredNorms, squaredDistance, squaredDistance64, squaredNorm32, squaredNorm64 } from './kernels.js';
import { Random } from './random.js';
import { createDenseDistances } from './simd-kernel.js';

export interface KMeansOptions {
  /** Seed of the k-means++ sampling. Same seed, same data, same result. Default 0. */
  seed?: number;
  /** At most this many iterations (assignment + centroid update). Default 100. */
  maxIterations?: number;
  /**
   * Converged when no row changes cluster, or when the centroids' total squared movement in an
   * iteration is at most tolerance x the data's mean per-dimension variance (scikit-learn's
   * rule, so results are comparable). Default 1e-4, as scikit-learn. 0: only the first.
   */
  tolerance?: number;
  /** 'k-means++' (default), or explicit initial centroids: a row-major k x d matrix. */
  init?: 'k-means++' | Float32Array;
  /** k-means++ seeds from a random sample of at most this many rows. Default max(1024, 256·k). */
  initSampleSize?: number;
  /** Called after every iteration with the sum of squared distances of points to their cluster mean. */
  onIteration?: (iteration: number, inertia: number) => void;
  /** Use the WebAssembly SIMD kernel for dense passes where available. Default true; false forces plain JavaScript. */
  simd?: boolean;
  /**
   * Runs from this many k-means++ seedings (seeds seed, seed + 1, ...) and keeps the lowest
   * inertia, as scikit-learn's n_init. Default 1. Ignored with explicit `init`. A single seeding
   * can merge two overlapping clusters and split another; more runs make that less likely.
   * onIteration is called during every run.
   */
  nInit?: number;
  /**
   * With nInit > 1 and more rows than this, the nInit runs go over a seeded random sample of
   * this many rows and only the best one's centroids start one run over all rows: the choice
   * among seedings costs nInit sample runs, not nInit full ones. Default MULTI_START_SAMPLE_SIZE.
   */
  multiStartSampleSize?: number;
}

/** Rows the seedings of a multi-start k-means compete on before the winner runs on every row. */
export const MULTI_START_SAMPLE_SIZE = 20_000;

export interface KMeansResult {
  /** Cluster index (0..k-1) of every row; each row is assigned to its nearest centroid. */
  assignments: Int32Array;
  /** Row-major k x d centroids. */
  centroids: Float32Array;
  /** Iterations run (each one assignment + centroid update). */
  iterations: number;
  /** Sum of squared Euclidean distances of rows to their assigned centroid (SSE). */
  inertia: number;
  /** False when maxIterations stopped the run first. */
  converged: boolean;
}

export interface KMeansPlusPlusOptions {
  seed?: number;
  /** Seeds from a random sample of at most this many rows (all rows when n is smaller). Default max(1024, 256·k). */
  sampleSize?: number;
  /** Candidates drawn per centre; the one that lowers the potential most wins. Default 2 + ⌊ln k⌋ (as scikit-learn). */
  localTrials?: number;
  /** As KMeansOptions.simd. */
  simd?: boolean;
}

export function defaultInitSampleSize(k: number): number {
  return Math.max(1024, 256 * k);
}

function validate(data: Float32Array, n: number, d: number, k: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) throw new RangeError(`bad matrix shape ${n} x ${d}`);
  if (data.length < n * d) throw new RangeError(`matrix has ${data.length} values, expected ${n} x ${d}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (k > n) throw new RangeError(`k = ${k} exceeds the number of rows (${n})`);
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's "greedy" variant:
 * each step draws several candidates with probability ∝ D² and keeps the one that minimises the
 * resulting potential). Runs on a seeded random sample of rows when n exceeds `sampleSize`;
 * a few hundred rows per cluster locate the same dense regions as the full data at a fraction
 * of the cost. Returns k rows of the data (row-major k x d).
 */
export function kmeansPlusPlus(data: Float32Array, n: number, d: number, k: number, options: KMeansPlusPlusOptions = {}): Float32Array {
  validate(data, n, d, k);
  const rng = new Random(options.seed ?? 0);
  const m = Math.min(n, Math.max(k, options.sampleSize ?? defaultInitSampleSize(k)));
  let sample = data;
  if (m < n) {
    const rows = rng.sampleIndices(n, m);
    sample = new Float32Array(m * d);
    for (let i = 0; i < m; i++) sample.set(data.subarray(rows[i]! * d, rows[i]! * d + d), i * d);
  }
  const norms = rowSquaredNorms(sample, m, d);
  const trials = Math.max(1, options.localTrials ?? 2 + Math.floor(Math.log(k)));

  const centers = new Float32Array(k * d);
  const candidates = new Float64Array(trials * d);
  const candidateNorms = new Float64Array(trials);
  const distances = new Float64Array(m * trials); // sample row x candidate
  const cumulative = new Float64Array(m);
  const closest = new Float64Array(m); // squared distance of each sample row to its nearest chosen centre
  const kernel = createDenseDistances(d, trials, options.simd ?? true);
  const batch = new Int32Array(kernel.blockRows);
  const distancesToCandidates = (): void => {
    kernel.setCenters(candidates, candidateNorms);
    for (let start = 0; start < m; start += kernel.blockRows) {
      const count = Math.min(m, start + kernel.blockRows) - start;
      for (let r = 0; r < count; r++) batch[r] = start + r;
      kernel.squaredDistances(sample, norms, batch, count, distances.subarray(start * trials));
    }
  };

  // The first centre is uniform; every candidate slot holds it for this one pass.
  const first = rng.int(m);
  centers.set(sample.subarray(first * d, first * d + d), 0);
  for (let j = 0; j < trials; j++) {
    for (let t = 0; t < d; t++) candidates[j * d + t] = sample[first * d + t]!;
    candidateNorms[j] = norms[first]!;
  }
  distancesToCandidates();
  for (let i = 0; i < m; i++) closest[i] = distances[i * trials]!;

  for (let c = 1; c < k; c++) {
    // Draw candidates with probability proportional to D² (inverse CDF by binary search).
    let running = 0;
    for (let i = 0; i < m; i++) cumulative[i] = running += closest[i]!;
    const picked: number[] = [];
    for (let j = 0; j < trials; j++) {
      let row: number;
      if (running > 0) {
        const r = rng.next() * running;
        let lo = 0, hi = m - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > r) hi = mid;
          else lo = mid + 1;
        }
        row = lo;
      } else {
        row = rng.int(m); // every sample row coincides with a centre already
      }
      picked.push(row);
      for (let t = 0; t < d; t++) candidates[j * d + t] = sample[row * d + t]!;
      candidateNorms[j] = norms[row]!;
    }
    distancesToCandidates();
    let best = 0;
    let bestPotential = Infinity;
    for (let j = 0; j < trials; j++) {
      let p = 0;
      for (let i = 0; i < m; i++) p += Math.min(closest[i]!, distances[i * trials + j]!);
      if (p < bestPotential) {
        bestPotential = p;
        best = j;
      }
    }
    for (let i = 0; i < m; i++) closest[i] = Math.min(closest[i]!, distances[i * trials + best]!);
    const row = picked[best]!;
    centers.set(sample.subarray(row * d, row * d + d), c * d);
  }
  return centers;
}

/** Everything an iteration reads and writes, allocated once per run. */
interface State {
  data: Float32Array;
  n: number;
  d: number;
  k: number;
  norms: Float64Array; // ||x||² per row
  assignments: Int32Array;
  upper: Float64Array; // per row: ≥ distance to its own centre
  lower: Float64Array; // per row: ≤ distance to every other centre
  scratch: Float64Array; // k: exact squared distances while settling a near tie
  centers: Float64Array; // k x d
  previous: Float64Array; // k x d, centres before the last update
  sums: Float64Array; // k x d, sum of member rows
  counts: Float64Array; // members per cluster
  normSums: Float64Array; // Σ ||x||² of members (for the inertia identity)
  nearestHalfGap: Float64Array; // per centre: half the distance to the nearest other centre
  shift: Float64Array; // per centre: distance moved by the last update
  kernel: DenseDistances; // the dense pass (SIMD or JavaScript)
}

/**
 * Lloyd's k-means with k-means++ seeding and Hamerly's bounds. Deterministic for a given seed.
 * The returned assignments are the nearest centroid of every row (a final assignment step
 * runs if the loop stopped on tolerance or maxIterations), and `inertia` is computed exactly
 * against the returned centroids.
 */
export function kmeans(data: Float32Array, n: number, d: number, k: number, options: KMeansOptions = {}): KMeansResult {
  validate(data, n, d, k);
  const runs = options.init === undefined || options.init === 'k-means++' ? Math.max(1, options.nInit ?? 1) : 1;
  const sampleSize = options.multiStartSampleSize ?? MULTI_START_SAMPLE_SIZE;
  if (runs > 1 && n > sampleSize && sampleSize >= k) {
    const sample = sampleRows(data, n, d, sampleSize, options.seed ?? 0);
    let bestSample: KMeansResult | undefined;
    for (let r = 0; r < runs; r++) {
      const result = kmeansOnce(sample, sampleSize, d, k, { ...options, onIteration: undefined }, (options.seed ?? 0) + r);
      if (bestSample === undefined || result.inertia < bestSample.inertia) bestSample = result;
    }
    return kmeansOnce(data, n, d, k, { ...options, init: bestSample!.centroids }, options.seed ?? 0);
  }
  let best: KMeansResult | undefined;
  for (let r = 0; r < runs; r++) {
    const result = kmeansOnce(data, n, d, k, options, (options.seed ?? 0) + r);
    if (best === undefined || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** A seeded sample of `m` distinct rows (partial Fisher-Yates over row indices), row-major. */
function sampleRows(data: Float32Array, n: number, d: number, m: number, seed: number): Float32Array {
  const random = new Random(seed ^ 0x5eed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const out = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random.next() * (n - i));
    const row = order[j]!;
    order[j] = order[i]!;
    order[i] = row;
    out.set(data.subarray(row * d, (row + 1) * d), i * d);
  }
  return out;
}

function kmeansOnce(data: Float32Array, n: number, d: number, k: number, options: KMeansOptions, seed: number): KMeansResult {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-4;
  const init = options.init ?? 'k-means++';

  const initial =
    init === 'k-means++'
      ? kmeansPlusPlus(data, n, d, k, { seed, sampleSize: options.initSampleSize, simd: options.simd })
      : init;
  if (initial.length !== k * d) throw new RangeError(`init has ${initial.length} values, expected ${k} x ${d}`);

  const s: State = {
    data,
    n,
    d,
    k,
    norms: new Float64Array(n), // filled by the first assign, row by row
    assignments: new Int32Array(n),
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    scratch: new Float64Array(k),
    centers: Float64Array.from(initial),
    previous: new Float64Array(k * d),
    sums: new Float64Array(k * d),
    counts: new Float64Array(k),
    normSums: new Float64Array(k),
    nearestHalfGap: new Float64Array(k),
    shift: new Float64Array(k),
    kernel: createDenseDistances(d, k, options.simd ?? true),
  };

  assign(s, true);
  const threshold = tolerance * meanVariance(s);
  let iterations = 0;
  let converged = false;
  let consistent = false; // assignments are the nearest centroid of the current centres
  while (iterations < maxIterations) {
    iterations++;
    if (iterations > 1 && assign(s, false) === 0) {
      // Nothing moved: the update would reproduce the same centres.
      converged = consistent = true;
      options.onIteration?.(iterations, meanInertia(s));
      break;
    }
    relocateEmptyClusters(s);
    const squaredShift = updateCenters(s);
    options.onIteration?.(iterations, meanInertia(s));
    if (squaredShift <= threshold) {
      converged = true;
      break;
    }
  }
  // Centres moved after the last assignment (tolerance or maxIterations stop): assign once more
  // so that every row's cluster is its nearest returned centroid. Cheap: the bounds are current.
  if (!consistent) assign(s, false);

  return { assignments: s.assignments, centroids: Float32Array.from(s.centers), iterations, inertia: finalInertia(s), converged };
}

/**
 * Σ ||x − c(x)||² against the final centres, from the running sums in O(k·d):
 * Σ_{x∈C} ||x − c||² = Σ ||x||² − 2 c·Σx + |C| ||c||². This cancels badly only when the data sit
 * far from the origin relative to their spread (SSE below 1e-6 of Σ ||x||²); then it is
 * recomputed row by row.
 */
function finalInertia(s: State): number {
  const { data, n, d, k, centers, sums, counts, normSums, assignments } = s;
  let total = 0;
  let normTotal = 0;
  for (let c = 0; c < k; c++) {
    let dot = 0;
    let norm = 0;
    for (let t = 0; t < d; t++) {
      dot += centers[c * d + t]! * sums[c * d + t]!;
      norm += centers[c * d + t]! * centers[c * d + t]!;
    }
    total += normSums[c]! - 2 * dot + counts[c]! * norm;
    normTotal += normSums[c]!;
  }
  if (total > 1e-6 * normTotal) return total;
  let exact = 0;
  for (let i = 0; i < n; i++) exact += squaredDistance(data, i * d, centers, assignments[i]! * d, d);
  return exact;
}

/**
 * One assignment step; returns how many rows changed cluster.
 *
 * Hamerly's filter ("Making k-means even faster", SDM 2010): row x in cluster a keeps an upper
 * bound u ≥ d(x, a) and one lower bound l ≤ d(x, c) for every other centre c. No other centre
 * can be nearer when u ≤ l, or when u ≤ half the distance from a to its nearest other centre
 * (triangle inequality). Such rows cost two comparisons and no distance.
 *
 * The remaining rows are batched through the dense kernel, which computes all k distances of a
 * row in about the time one scalar JavaScript distance takes, and resets both bounds exactly.
 * (Elkan's k lower bounds per row filter a little better, but updating n·k bounds every
 * iteration cost as much as they saved once the survivors go through the SIMD kernel: measured
 * equal or slower on blobs and on GloVe vectors, for 8x the memory.)
 * `first`: the initial assignment, every row through the kernel (also computes row norms and
 * the cluster sums).
 */
function assign(s: State, first: boolean): number {
  const { data, n, d, k, norms, upper, lower, assignments, centers, nearestHalfGap, kernel } = s;
  const centerNorms = new Float64Array(k);
  for (let c = 0; c < k; c++) centerNorms[c] = squaredNorm64(centers, c * d, d);
  kernel.setCenters(centers, centerNorms);
  const batch = new Int32Array(kernel.blockRows);
  const distances = new Float64Array(kernel.blockRows * k);
  let count = 0;
  let changed = 0;
  const flush = (): void => {
    kernel.squaredDistances(data, norms, batch, count, distances);
    for (let r = 0; r < count; r++) {
      if (settleRow(s, batch[r]!, distances, r * k, centerNorms, first)) changed++;
    }
    count = 0;
  };
  for (let i = 0; i < n; i++) {
    if (first) {
      norms[i] = squaredNorm32(data, i * d, d);
    } else {
      const u = upper[i]!;
      if (u <= lower[i]! || u <= nearestHalfGap[assignments[i]!]!) continue;
    }
    batch[count++] = i;
    if (count === kernel.blockRows) flush();
  }
  if (count > 0) flush();
  if (first) updateCenterGaps(s);
  return changed;
}

/**
 * Takes row i's squared distances to every centre (from the kernel, each within
 * slack = gamma · (||x||² + ||c||²) of the exact value), assigns the row to the nearest centre
 * and resets its bounds, widened by the slack so that they stay valid. When another centre is
 * within the slack of the best, the contenders are recomputed exactly in double precision, so
 * the choice is the one exact arithmetic makes (ties to the lower index, as ml-kmeans).
 * Returns whether the row changed cluster.
 */
function settleRow(s: State, i: number, distances: Float64Array, o: number, centerNorms: Float64Array, first: boolean): boolean {
  const { data, d, k, norms, upper, lower, assignments, centers, sums, counts, normSums, kernel, scratch } = s;
  const gamma = kernel.gamma;
  const nx = norms[i]!;
  let best = 0;
  let bestHigh = Infinity; // smallest upper estimate of a squared distance
  let lowest = 0; // index of the smallest lower estimate
  let lowestLow = Infinity;
  let secondLow = Infinity; // the second smallest lower estimate
  for (let c = 0; c < k; c++) {
    const d2 = distances[o + c]!;
    const slack = gamma * (nx + centerNorms[c]!);
    if (d2 + slack < bestHigh) {
      bestHigh = d2 + slack;
      best = c;
    }
    const low = d2 - slack;
    if (low < lowestLow) {
      secondLow = lowestLow;
      lowestLow = low;
      lowest = c;
    } else if (low < secondLow) {
      secondLow = low;
    }
  }
  const otherLow = lowest === best ? secondLow : lowestLow; // over the centres other than best
  if (otherLow > bestHigh) {
    upper[i] = Math.sqrt(bestHigh);
    lower[i] = otherLow > 0 ? Math.sqrt(otherLow) : 0;
  } else {
    // Near tie: recompute the contenders exactly; the others keep their lower estimate.
    let exact = Infinity;
    for (let c = 0; c < k; c++) {
      const low = distances[o + c]! - gamma * (nx + centerNorms[c]!);
      if (low > bestHigh) {
        scratch[c] = low;
        continue;
      }
      const d2 = squaredDistance(data, i * d, centers, c * d, d);
      scratch[c] = d2;
      if (d2 < exact) {
        exact = d2;
        best = c;
      }
    }
    let other = Infinity;
    for (let c = 0; c < k; c++) if (c !== best && scratch[c]! < other) other = scratch[c]!;
    upper[i] = Math.sqrt(exact);
    lower[i] = other > 0 ? Math.sqrt(other) : 0;
  }
  if (first) {
    assignments[i] = best;
    counts[best]! += 1;
    normSums[best]! += nx;
    const xo = i * d;
    const so = best * d;
    for (let t = 0; t < d; t++) sums[so + t]! += data[xo + t]!;
    return false;
  }
  if (best === assignments[i]) return false;
  move(s, i, assignments[i]!, best);
  return true;
}

/** Moves row i from cluster `from` to cluster `to`, keeping the running sums current. */
function move(s: State, i: number, from: number, to: number): void {
  const { data, d, sums, counts, normSums, norms, assignments } = s;
  const xo = i * d;
  const fo = from * d;
  const to_ = to * d;
  for (let t = 0; t < d; t++) {
    const v = data[xo + t]!;
    sums[fo + t]! -= v;
    sums[to_ + t]! += v;
  }
  counts[from]! -= 1;
  counts[to]! += 1;
  normSums[from]! -= norms[i]!;
  normSums[to]! += norms[i]!;
  assignments[i] = to;
}

/**
 * A cluster that lost all its members is re-seeded with the row farthest from its own centre
 * (as scikit-learn does), taken from a cluster that keeps at least one member. Rare, so this
 * pays for one exact distance per row.
 */
function relocateEmptyClusters(s: State): void {
  const { data, n, d, k, assignments, upper, lower, centers, counts } = s;
  let empty = 0;
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty++;
  if (empty === 0) return;
  const distance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    distance[i] = Math.sqrt(squaredDistance(data, i * d, centers, assignments[i]! * d, d));
    upper[i] = distance[i]!;
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] !== 0) continue;
    let far = -1;
    for (let i = 0; i < n; i++) {
      if (counts[assignments[i]!]! > 1 && (far < 0 || distance[i]! > distance[far]!)) far = i;
    }
    const from = assignments[far]!;
    // The row's old centre becomes an "other" centre; its exact distance bounds it.
    lower[far] = Math.min(lower[far]!, distance[far]!);
    // Valid bound for now; once centre c becomes this row's mean the update adds c's shift.
    upper[far] = Math.sqrt(squaredDistance(data, far * d, centers, c * d, d));
    move(s, far, from, c);
    distance[far] = -1; // never picked twice
  }
}

/**
 * Moves every centre to the mean of its members and loosens the bounds by how far centres
 * moved: upper(x) grows by its own centre's shift, lower(x) shrinks by the largest shift of
 * any other centre. Returns the sum of squared shifts.
 */
function updateCenters(s: State): number {
  const { n, d, k, assignments, upper, lower, centers, previous, sums, counts, shift } = s;
  previous.set(centers);
  let squaredShift = 0;
  let largest = 0; // index of the largest shift
  let max1 = 0;
  let max2 = 0; // the second largest
  for (let c = 0; c < k; c++) {
    const count = counts[c]!;
    if (count > 0) for (let t = 0; t < d; t++) centers[c * d + t] = sums[c * d + t]! / count;
    const moved = squaredDistance64(centers, c * d, previous, c * d, d);
    squaredShift += moved;
    shift[c] = Math.sqrt(moved);
    if (shift[c]! > max1) {
      max2 = max1;
      max1 = shift[c]!;
      largest = c;
    } else if (shift[c]! > max2) {
      max2 = shift[c]!;
    }
  }
  if (squaredShift === 0) return 0;
  for (let i = 0; i < n; i++) {
    const a = assignments[i]!;
    upper[i]! += shift[a]!;
    const l = lower[i]! - (a === largest ? max2 : max1);
    lower[i] = l > 0 ? l : 0;
  }
  updateCenterGaps(s);
  return squaredShift;
}

/** Half the distance from every centre to its nearest other centre (k²·d/2, small). */
function updateCenterGaps(s: State): void {
  const { d, k, centers, nearestHalfGap } = s;
  nearestHalfGap.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const half = Math.sqrt(squaredDistance64(centers, a * d, centers, b * d, d)) / 2;
      if (half < nearestHalfGap[a]!) nearestHalfGap[a] = half;
      if (half < nearestHalfGap[b]!) nearestHalfGap[b] = half;
    }
  }
}

/** Mean over dimensions of the data's variance, from the row norms and cluster sums (O(k·d)). */
function meanVariance(s: State): number {
  const { n, d, k, norms, sums } = s;
  let total = 0;
  for (let i = 0; i < n; i++) total += norms[i]!;
  let meanSquared = 0;
  for (let t = 0; t < d; t++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += sums[c * d + t]!;
    meanSquared += (sum / n) * (sum / n);
  }
  return Math.max(0, (total / n - meanSquared) / d);
}

/**
 * SSE of the current assignment around each cluster's mean, from running sums in O(k·d):
 * Σ_{x∈C} ||x − μ||² = Σ ||x||² − ||Σx||² / |C|. Used for progress, not the final value.
 */
function meanInertia(s: State): number {
  const { d, k, sums, counts, normSums } = s;
  let total = 0;
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    total += normSums[c]! - squaredNorm64(sums, c * d, d) / counts[c]!;
  }
  return Math.max(0, total);
}
