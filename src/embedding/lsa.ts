import { Random } from '../clustering/random.js';

/**
 * Latent semantic analysis (Deerwester et al. 1990) over the corpus's subword words: the TF-IDF
 * document-term matrix X reduced by a truncated SVD, X ≈ U Σ Vᵀ, gives each term a vector (its row of
 * VΣ) such that words used by the same writers point the same way. Hashed subword vectors make every
 * word its own direction, so users of one theme are alike only where they share words; with the
 * corpus's co-occurrence, "露营" and "帐篷" become alike because the same people write both.
 *
 * The SVD is randomised (Halko, Martinsson and Tropp 2011): a seeded Gaussian sketch, a few power
 * iterations, then the eigen-decomposition of a small (rank + oversampling)² matrix by Jacobi
 * rotations. Pure, over typed arrays; the documents are sparse rows of (term index, weight).
 */

export interface SparseRow {
  readonly terms: Uint32Array;
  readonly weights: Float32Array;
}

export interface TermVectorsOptions {
  /** Latent dimensions kept. */
  readonly rank: number;
  readonly seed: number;
  /** Extra sketch columns (accuracy of the top `rank`). Default 10. */
  readonly oversampling?: number;
  /** Power iterations (accuracy when the spectrum decays slowly). Default 3. */
  readonly powerIterations?: number;
}

/**
 * Term vectors VΣ (termCount × rank, row-major) of the rows' matrix; rank is capped by the number of
 * rows and terms. Terms no row uses get zero vectors.
 */
export function lsaTermVectors(rows: readonly SparseRow[], termCount: number, options: TermVectorsOptions): { vectors: Float32Array; rank: number } {
  const n = rows.length;
  const rank = Math.max(0, Math.min(options.rank, n, termCount));
  if (rank === 0) return { vectors: new Float32Array(0), rank: 0 };
  const width = Math.min(rank + (options.oversampling ?? 10), n, termCount);
  const random = new Random(options.seed);
  // Ω: termCount × width Gaussian; Y = X Ω (n × width).
  const omega = new Float64Array(termCount * width);
  for (let i = 0; i < omega.length; i++) omega[i] = random.gaussian();
  let y = multiplyRows(rows, omega, width, n);
  orthonormalizeColumns(y, n, width);
  for (let it = 0; it < (options.powerIterations ?? 3); it++) {
    const z = multiplyRowsTransposed(rows, y, width, termCount); // Xᵀ Q: termCount × width
    orthonormalizeColumns(z, termCount, width);
    y = multiplyRows(rows, z, width, n);
    orthonormalizeColumns(y, n, width);
  }
  // B = Qᵀ X (width × termCount), stored transposed as Bᵀ = Xᵀ Q (termCount × width).
  const bt = multiplyRowsTransposed(rows, y, width, termCount);
  // B Bᵀ = U_B Σ² U_Bᵀ (width × width); the term vectors VΣ = Bᵀ U_B.
  const gram = new Float64Array(width * width);
  for (let t = 0; t < termCount; t++) {
    const base = t * width;
    for (let a = 0; a < width; a++) {
      const va = bt[base + a]!;
      if (va === 0) continue;
      for (let b = a; b < width; b++) gram[a * width + b] += va * bt[base + b]!;
    }
  }
  for (let a = 0; a < width; a++) for (let b = 0; b < a; b++) gram[a * width + b] = gram[b * width + a]!;
  const { vectors: eigenvectors, order } = symmetricEigen(gram, width);
  const out = new Float32Array(termCount * rank);
  for (let t = 0; t < termCount; t++) {
    for (let r = 0; r < rank; r++) {
      const column = order[r]!;
      let sum = 0;
      for (let a = 0; a < width; a++) sum += bt[t * width + a]! * eigenvectors[a * width + column]!;
      out[t * rank + r] = sum;
    }
  }
  // Singular vectors have no sign of their own: fix each so its largest entry is positive, for reproducible fits.
  for (let r = 0; r < rank; r++) {
    let largest = 0;
    for (let t = 0; t < termCount; t++) if (Math.abs(out[t * rank + r]!) > Math.abs(largest)) largest = out[t * rank + r]!;
    if (largest < 0) for (let t = 0; t < termCount; t++) out[t * rank + r] = -out[t * rank + r]!;
  }
  return { vectors: out, rank };
}

/** X M for sparse rows X (n × terms) and dense M (terms × width): n × width. */
function multiplyRows(rows: readonly SparseRow[], m: Float64Array, width: number, n: number): Float64Array {
  const out = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const { terms, weights } = rows[i]!;
    const base = i * width;
    for (let j = 0; j < terms.length; j++) {
      const w = weights[j]!;
      const source = terms[j]! * width;
      for (let c = 0; c < width; c++) out[base + c] += w * m[source + c]!;
    }
  }
  return out;
}

/** Xᵀ M for sparse rows X (n × terms) and dense M (n × width): terms × width. */
function multiplyRowsTransposed(rows: readonly SparseRow[], m: Float64Array, width: number, termCount: number): Float64Array {
  const out = new Float64Array(termCount * width);
  rows.forEach(({ terms, weights }, i) => {
    const source = i * width;
    for (let j = 0; j < terms.length; j++) {
      const w = weights[j]!;
      const target = terms[j]! * width;
      for (let c = 0; c < width; c++) out[target + c] += w * m[source + c]!;
    }
  });
  return out;
}

/** Modified Gram-Schmidt on the columns of a rows × width matrix, in place; a dependent column becomes zero. */
export function orthonormalizeColumns(m: Float64Array, rows: number, width: number): void {
  for (let c = 0; c < width; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += m[r * width + c]! * m[r * width + p]!;
      if (dot !== 0) for (let r = 0; r < rows; r++) m[r * width + c] -= dot * m[r * width + p]!;
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * width + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r++) m[r * width + c] = norm > 1e-12 ? m[r * width + c]! / norm : 0;
  }
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: eigenvectors as columns
 * (row-major), and the column order by decreasing eigenvalue.
 */
export function symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array; order: number[] } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) off += a[p * size + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * size + q]! - a[p * size + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!;
          const akq = a[k * size + q]!;
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!;
          const aqk = a[q * size + k]!;
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p]!;
          const vkq = v[k * size + q]!;
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = a[i * size + i]!;
  const order = [...values.keys()].sort((x, y) => values[y]! - values[x]!);
  return { values, vectors: v, order };
}
