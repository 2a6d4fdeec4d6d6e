import { checkLength, checkSize } from './check.js';

/**
 * Affine LayerNorm over the last axis; `weight`/`bias` may be null; `out` may alias `x`.
 * Mean, then the variance of the centred values, both accumulated in float64 (E[x²] - E[x]² cancels
 * on rows with a large mean); a constant row gives exactly the bias, whatever eps.
 */
export function layerNorm(
  x: Float32Array, // [rows, dim]
  rows: number,
  dim: number,
  weight: Float32Array | null, // [dim]
  bias: Float32Array | null, // [dim]
  eps: number,
  out: Float32Array, // [rows, dim]
): void {
  checkSize('layerNorm', 'rows', rows);
  checkSize('layerNorm', 'dim', dim);
  checkLength('layerNorm', 'x', x, rows * dim);
  checkLength('layerNorm', 'out', out, rows * dim);
  if (weight) checkLength('layerNorm', 'weight', weight, dim);
  if (bias) checkLength('layerNorm', 'bias', bias, dim);
  layerNormRows(x, 0, rows, dim, weight, bias, eps, out);
}

/** `layerNorm` restricted to rows [rowStart, rowEnd). */
export function layerNormRows(
  x: Float32Array, rowStart: number, rowEnd: number, dim: number,
  weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array,
): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const o = r * dim;
    let s0 = 0, s1 = 0;
    let i = 0;
    for (; i + 1 < dim; i += 2) {
      s0 += x[o + i];
      s1 += x[o + i + 1];
    }
    if (i < dim) s0 += x[o + i];
    const mean = (s0 + s1) / dim;
    let v0 = 0, v1 = 0;
    for (i = 0; i + 1 < dim; i += 2) {
      const d0 = x[o + i] - mean;
      const d1 = x[o + i + 1] - mean;
      v0 += d0 * d0;
      v1 += d1 * d1;
    }
    if (i < dim) {
      const d = x[o + i] - mean;
      v0 += d * d;
    }
    const rstd = 1 / Math.sqrt((v0 + v1) / dim + eps);
    if (weight && bias) {
      for (let j = 0; j < dim; j++) out[o + j] = (x[o + j] - mean) * rstd * weight[j] + bias[j];
    } else if (weight) {
      for (let j = 0; j < dim; j++) out[o + j] = (x[o + j] - mean) * rstd * weight[j];
    } else if (bias) {
      for (let j = 0; j < dim; j++) out[o + j] = (x[o + j] - mean) * rstd + bias[j];
    } else {
      for (let j = 0; j < dim; j++) out[o + j] = (x[o + j] - mean) * rstd;
    }
  }
}
