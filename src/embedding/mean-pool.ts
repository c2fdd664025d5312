/**
 * Mean pooling of a [batch, sequence, dim] hidden state over the tokens the attention mask keeps,
 * then L2 normalisation; a row with no kept tokens, or whose mean is zero, stays all zeros (not
 * NaN). Pure, over typed arrays. transformers.js's own mean_pooling converts the (BigInt) mask
 * once per token and dimension and walks the hidden state with a stride of `dim`; this converts
 * it once per token and reads rows in memory order, which made pooling ~10x cheaper with the
 * 100-d default model, where pooling was a larger cost than the model itself.
 */
export function meanPoolNormalized(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  batch: number,
  sequence: number,
  dim: number,
): Float32Array[] {
  const out: Float32Array[] = [];
  const sum = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    sum.fill(0);
    let kept = 0;
    for (let t = 0; t < sequence; t++) {
      const weight = Number(mask[b * sequence + t]);
      if (weight === 0) continue;
      kept += weight;
      const offset = (b * sequence + t) * dim;
      for (let k = 0; k < dim; k++) sum[k]! += weight * hidden[offset + k]!;
    }
    const row = new Float32Array(dim);
    if (kept > 0) {
      let norm = 0;
      for (let k = 0; k < dim; k++) norm += sum[k]! * sum[k]!;
      norm = Math.sqrt(norm);
      // The mean's direction is the sum's: dividing by the count first would not change the unit vector.
      if (norm > 0 && Number.isFinite(norm)) for (let k = 0; k < dim; k++) row[k] = sum[k]! / norm;
    }
    out.push(row);
  }
  return out;
}
