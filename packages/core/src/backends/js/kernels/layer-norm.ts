/**
 * Op `layerNorm` on the 'js' backend: per vector, the mean, then the variance of the centred values, both
 * accumulated in float64 in two interleaved sums; a constant vector gives exactly the bias, whatever eps.
 */

import type { LayerNormArgs } from '../../../ops/layer-norm.js';

export function layerNormKernel(a: LayerNormArgs<Float32Array>): void {
  const segments = a.segments ?? 1;
  const ldx = a.ldx ?? segments * a.dim, ldo = a.ldo ?? segments * a.dim;
  for (let r = 0; r < a.rows; r++) {
    for (let s = 0; s < segments; s++) normalize(a, r * ldx + s * a.dim, r * ldo + s * a.dim);
  }
}

function normalize(a: LayerNormArgs<Float32Array>, xo: number, o: number): void {
  const { x, out, dim, weight, bias, eps } = a;
  let s0 = 0, s1 = 0;
  let i = 0;
  for (; i + 1 < dim; i += 2) {
    s0 += x[xo + i];
    s1 += x[xo + i + 1];
  }
  if (i < dim) s0 += x[xo + i];
  const mean = (s0 + s1) / dim;
  let v0 = 0, v1 = 0;
  for (i = 0; i + 1 < dim; i += 2) {
    const d0 = x[xo + i] - mean;
    const d1 = x[xo + i + 1] - mean;
    v0 += d0 * d0;
    v1 += d1 * d1;
  }
  if (i < dim) {
    const d = x[xo + i] - mean;
    v0 += d * d;
  }
  const rstd = 1 / Math.sqrt((v0 + v1) / dim + eps);
  if (weight && bias) {
    for (let j = 0; j < dim; j++) out[o + j] = (x[xo + j] - mean) * rstd * weight[j] + bias[j];
  } else if (weight) {
    for (let j = 0; j < dim; j++) out[o + j] = (x[xo + j] - mean) * rstd * weight[j];
  } else if (bias) {
    for (let j = 0; j < dim; j++) out[o + j] = (x[xo + j] - mean) * rstd + bias[j];
  } else {
    for (let j = 0; j < dim; j++) out[o + j] = (x[xo + j] - mean) * rstd;
  }
}
