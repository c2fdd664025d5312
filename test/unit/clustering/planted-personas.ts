import { Random } from '../../../src/clustering/random.js';

export interface PersonaSetOptions {
  /** Users per persona (sizes may differ). */
  sizes: number[];
  d: number;
  /** Share of a user's vector that is persona-specific; the rest is personal noise. */
  signal: number;
  /** Share of every persona direction that is common to all (themes that overlap). */
  overlap: number;
  seed: number;
}

/**
 * Profile-like unit vectors with planted personas: each persona is a direction that shares
 * `overlap` with a common theme; a user is its persona direction plus isotropic noise, normalised
 * (as embedded profiles are).
 */
export function plantedPersonas(options: PersonaSetOptions): { data: Float32Array; n: number; labels: Int32Array } {
  const { sizes, d, signal, overlap } = options;
  const rng = new Random(options.seed);
  const unit = (v: Float64Array) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const common = unit(Float64Array.from({ length: d }, () => rng.gaussian()));
  const personas = sizes.map(() => {
    const own = unit(Float64Array.from({ length: d }, () => rng.gaussian()));
    return unit(own.map((x, t) => Math.sqrt(1 - overlap) * x + Math.sqrt(overlap) * common[t]!));
  });
  const n = sizes.reduce((a, b) => a + b, 0);
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  let row = 0;
  sizes.forEach((size, p) => {
    for (let i = 0; i < size; i++, row++) {
      const noise = unit(Float64Array.from({ length: d }, () => rng.gaussian()));
      const v = unit(personas[p]!.map((x, t) => signal * x + (1 - signal) * noise[t]!));
      data.set(v, row * d);
      labels[row] = p;
    }
  });
  return { data, n, labels };
}
