/**
 * Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same rows: 1 for
 * identical partitions (whatever the label names), about 0 for independent ones, negative when
 * worse than chance. Same definition and edge cases as scikit-learn's adjusted_rand_score,
 * written over pair counts: two trivially-equal partitions (e.g. both a single cluster) score 1.
 * Labels may be any integers; O(n) time, memory O(number of distinct label pairs).
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`labelings differ in length: ${n} vs ${b.length}`);
  if (n === 0) return 1;

  // Renumber labels densely so that a contingency cell has a numeric key.
  const dense = (labels: ArrayLike<number>): { ids: Int32Array; count: number } => {
    const index = new Map<number, number>();
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let id = index.get(labels[i]!);
      if (id === undefined) index.set(labels[i]!, (id = index.size));
      ids[i] = id;
    }
    return { ids, count: index.size };
  };
  const x = dense(a);
  const y = dense(b);
  const rowSums = new Float64Array(x.count);
  const colSums = new Float64Array(y.count);
  const cells = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    rowSums[x.ids[i]!]! += 1;
    colSums[y.ids[i]!]! += 1;
    const key = x.ids[i]! * y.count + y.ids[i]!;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const sumSquares = (counts: Iterable<number>): bigint => {
    let s = 0n;
    for (const c of counts) s += BigInt(c) * BigInt(c);
    return s;
  };
  // Ordered pair counts (as scikit-learn's pair_confusion_matrix). BigInt: n² products overflow
  // double precision past n ≈ 10⁴, and tp·tn − fn·fp may cancel heavily.
  const N = BigInt(n);
  const cellSquares = sumSquares(cells.values());
  const tp = cellSquares - N; // same cluster in both
  const fp = sumSquares(colSums) - cellSquares; // together in b only
  const fn = sumSquares(rowSums) - cellSquares; // together in a only
  const tn = N * N - fp - fn - cellSquares;
  if (fn === 0n && fp === 0n) return 1;
  const numerator = 2n * (tp * tn - fn * fp);
  const denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return Number(numerator) / Number(denominator);
}
