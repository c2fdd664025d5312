/**
 * Paired bootstrap over users (Efron & Tibshirani): resample the evaluated users with
 * replacement, recompute the mean difference of a per-user metric between two recommenders,
 * and report the 2.5th and 97.5th percentiles. Seeded, so the interval is reproducible.
 */
import { Random } from '../clustering/random.js';

export interface DifferenceInterval {
  /** Mean of a − b over users. */
  mean: number;
  low: number;
  high: number;
  /** The interval excludes 0. */
  significant: boolean;
}

export function pairedBootstrap(a: readonly number[], b: readonly number[], options: { resamples?: number; seed?: number } = {}): DifferenceInterval {
  if (a.length !== b.length || a.length === 0) throw new RangeError('paired bootstrap needs two equally long, non-empty lists');
  const n = a.length;
  const diff = a.map((x, i) => x - b[i]!);
  const mean = diff.reduce((s, x) => s + x, 0) / n;
  const resamples = options.resamples ?? 2000;
  const random = new Random(options.seed ?? 1);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diff[random.int(n)]!;
    means[r] = s / n;
  }
  means.sort();
  const low = means[Math.floor(0.025 * (resamples - 1))]!;
  const high = means[Math.ceil(0.975 * (resamples - 1))]!;
  return { mean, low, high, significant: low > 0 || high < 0 };
}
