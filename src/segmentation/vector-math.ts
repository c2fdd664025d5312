/** Small numeric helpers over row-major Float32Array matrices. Pure; tested without a server. */

export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[aOffset + i]! * b[bOffset + i]!;
  return s;
}

/** A unit-length copy of row `index` of an n x d matrix (a zero row stays zero). */
export function normalizedRow(matrix: Float32Array, index: number, d: number): Float32Array {
  const row = matrix.slice(index * d, (index + 1) * d);
  const norm = Math.sqrt(dot(row, 0, row, 0, d));
  if (norm > 0) for (let i = 0; i < d; i++) row[i]! /= norm;
  return row;
}

/** Squared Euclidean distance between row i of `a` and row j of `b`. */
export function squaredDistance(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  const ao = i * d;
  const bo = j * d;
  for (let t = 0; t < d; t++) {
    const diff = a[ao + t]! - b[bo + t]!;
    s += diff * diff;
  }
  return s;
}

/** Sum of squared distances of each row to its assigned centroid (k-means' objective). */
export function inertia(data: Float32Array, n: number, d: number, assignments: Int32Array, centroids: Float32Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += squaredDistance(data, i, centroids, assignments[i]!, d);
  return total;
}

/** Index of the centroid with the highest dot product with `vector` (nearest for unit vectors), or -1 when k = 0. */
export function nearestCentroid(vector: Float32Array, centroids: Float32Array, k: number, d: number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let j = 0; j < k; j++) {
    const s = dot(vector, 0, centroids, j * d, d);
    if (s > bestScore) {
      bestScore = s;
      best = j;
    }
  }
  return best;
}

/**
 * Renumbers clusters so that 0 is the largest (ties by old index), returning the new
 * assignments and the permutation (newIndex -> oldIndex).
 */
export function orderClustersBySize(assignments: Int32Array, k: number): { assignments: Int32Array; order: number[] } {
  const sizes = new Array<number>(k).fill(0);
  for (const c of assignments) sizes[c]! += 1;
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const newIndexOf = new Int32Array(k);
  order.forEach((old, newIndex) => (newIndexOf[old] = newIndex));
  return { assignments: assignments.map((c) => newIndexOf[c]!), order };
}
