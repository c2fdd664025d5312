/**
 * EASE (Steck 2019, "Embarrassingly shallow autoencoders for sparse data"): item-item weights
 * B = I − P · diag(1 / diag(P)) with P = (XᵀX + λI)⁻¹, X the binary user × item matrix.
 * Dense in the item count: items² memory and items³ time, so the service uses it only below
 * an item-count threshold (COLLABORATIVE_EASE_MAX_ITEMS) and the sparse item graph above it.
 */

/**
 * B, row-major m × m (row i: what having item i says about every item j), zero diagonal.
 * `strengths` (parallel to `histories`) grades each entry of X (how strongly the user engaged,
 * 0..1); without it X is binary.
 */
export function easeWeights(histories: Iterable<ArrayLike<number>>, m: number, lambda: number, strengths?: ReadonlyArray<ArrayLike<number>>): Float64Array {
  const g = new Float64Array(m * m);
  let u = 0;
  for (const items of histories) {
    const values = strengths?.[u++];
    for (let a = 0; a < items.length; a++) {
      const row = items[a]! * m;
      const va = values ? values[a]! : 1;
      for (let b = 0; b < items.length; b++) g[row + items[b]!]! += values ? va * values[b]! : 1;
    }
  }
  for (let i = 0; i < m; i++) g[i * m + i]! += lambda;
  invertSymmetricPositiveDefinite(g, m);
  const diagonal = Float64Array.from({ length: m }, (_, j) => g[j * m + j]!);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) g[i * m + j] = i === j ? 0 : -g[i * m + j]! / diagonal[j]!;
  return g;
}

/** In-place Gauss-Jordan inverse of a symmetric positive-definite matrix (no pivoting needed). */
export function invertSymmetricPositiveDefinite(a: Float64Array, m: number): void {
  for (let p = 0; p < m; p++) {
    const pivot = a[p * m + p]!;
    const rowP = p * m;
    for (let j = 0; j < m; j++) a[rowP + j]! /= pivot;
    a[rowP + p] = 1 / pivot;
    for (let i = 0; i < m; i++) {
      if (i === p) continue;
      const rowI = i * m;
      const factor = a[rowI + p]!;
      if (factor === 0) continue;
      for (let j = 0; j < m; j++) a[rowI + j]! -= factor * a[rowP + j]!;
      a[rowI + p] = -factor / pivot;
    }
  }
}
