/**
 * LayerNorm over the last axis in float64: the mean first, then the variance of the centred values
 * (never E[x²] - E[x]², which cancels catastrophically on rows with a large mean).
 */
export function layerNormReference(
  x: Float32Array, // [rows, dim]
  rows: number,
  dim: number,
  weight: Float32Array | null, // [dim]
  bias: Float32Array | null, // [dim]
  eps: number,
  out: Float32Array, // [rows, dim]
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += x[o + i];
    mean /= dim;
    let variance = 0;
    for (let i = 0; i < dim; i++) variance += (x[o + i] - mean) ** 2;
    variance /= dim;
    const rstd = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < dim; i++) {
      const y = (x[o + i] - mean) * rstd;
      out[o + i] = y * (weight ? weight[i] : 1) + (bias ? bias[i] : 0);
    }
  }
}
