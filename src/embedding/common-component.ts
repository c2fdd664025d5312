/**
 * Common-component removal, the second half of SIF (Arora et al. 2017): weighted word-vector averages
 * share one large direction (mostly frequency and syntax, not topic), which makes every sentence look
 * similar to every other. Projecting it out of each sentence vector is linear, so it can be baked into the
 * word rows: (I − uuᵀ) Σ cᵢ vᵢ = Σ cᵢ (I − uuᵀ) vᵢ.
 *
 * The paper estimates u from sentence vectors of a corpus; with no corpus here, u is the top eigenvector
 * of the expected outer product of a random token's weighted vector, Σ p(w) r_w r_wᵀ, which is what a
 * large corpus's sentence vectors average to up to scale.
 */

/** Top eigenvector of Σ weights[i]·rᵢrᵢᵀ over the first `rowCount` rows (uncentred, as in the paper). */
export function principalDirection(
  matrix: Float32Array,
  dimension: number,
  rowCount: number,
  weightOf: (row: number) => number,
): Float64Array {
  const d = dimension;
  const scatter = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < rowCount; i++) {
    const w = weightOf(i);
    if (w === 0) continue;
    for (let k = 0; k < d; k++) row[k] = matrix[i * d + k];
    for (let a = 0; a < d; a++) {
      const wa = w * row[a];
      if (wa === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) scatter[base + b] += wa * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) scatter[a * d + b] = scatter[b * d + a];

  // Power iteration on a d×d matrix is cheap; iterate until the direction stops moving.
  let u = new Float64Array(d).fill(1 / Math.sqrt(d));
  for (let iteration = 0; iteration < 10_000; iteration++) {
    const next = new Float64Array(d);
    for (let a = 0; a < d; a++) {
      let sum = 0;
      for (let b = 0; b < d; b++) sum += scatter[a * d + b] * u[b];
      next[a] = sum;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return next; // all rows zero: nothing to remove
    let change = 0;
    for (let a = 0; a < d; a++) {
      next[a] /= norm;
      change += Math.abs(next[a] - u[a]);
    }
    u = next;
    if (change < 1e-12) break;
  }
  return u;
}

/** Subtracts each row's component along the unit vector `direction`, in place. */
export function removeDirection(matrix: Float32Array, dimension: number, direction: Float64Array): void {
  const rows = matrix.length / dimension;
  for (let i = 0; i < rows; i++) {
    const base = i * dimension;
    let dot = 0;
    for (let k = 0; k < dimension; k++) dot += matrix[base + k] * direction[k];
    if (dot === 0) continue;
    for (let k = 0; k < dimension; k++) matrix[base + k] -= dot * direction[k];
  }
}
