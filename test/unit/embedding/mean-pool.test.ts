import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/clustering/random.js';
import { meanPoolNormalized } from '../../../src/embedding/mean-pool.js';

describe('meanPoolNormalized', () => {
  it('is the unit vector of the mean over kept tokens, as transformers.js mean pooling + normalize', () => {
    const random = new Random(4);
    const [batch, sequence, dim] = [3, 5, 7];
    const hidden = Float32Array.from({ length: batch * sequence * dim }, () => random.next() * 2 - 1);
    // BigInt mask as the tokenizer gives it: row 0 keeps 5 tokens, row 1 keeps 2, row 2 keeps 3.
    const keep = [5, 2, 3];
    const mask = BigInt64Array.from({ length: batch * sequence }, (_, i) => (i % sequence < keep[Math.floor(i / sequence)]! ? 1n : 0n));
    const pooled = meanPoolNormalized(hidden, mask, batch, sequence, dim);
    for (let b = 0; b < batch; b++) {
      const mean = new Array<number>(dim).fill(0);
      for (let t = 0; t < keep[b]!; t++) for (let k = 0; k < dim; k++) mean[k]! += hidden[(b * sequence + t) * dim + k]! / keep[b]!;
      const norm = Math.hypot(...mean);
      for (let k = 0; k < dim; k++) expect(pooled[b]![k]).toBeCloseTo(mean[k]! / norm, 6);
    }
  });

  it('gives zeros, not NaN, for a row with no kept tokens or a zero mean', () => {
    const hidden = new Float32Array(2 * 2 * 3);
    hidden.set([1, 2, 3], 0); // row 0, token 0: masked out below
    const pooled = meanPoolNormalized(hidden, [0, 0, 1, 1], 2, 2, 3);
    expect(Array.from(pooled[0]!)).toEqual([0, 0, 0]);
    expect(Array.from(pooled[1]!)).toEqual([0, 0, 0]);
  });
});
