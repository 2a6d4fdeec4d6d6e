import { batchNormParams } from '../kernels/output-shapes.js';

/** Eval-mode BatchNorm over axis 1 of [N, C, ...]: (x - mean) / sqrt(var + eps) * weight + bias. */
export function batchNormReference(
  x: Float32Array,
  xShape: readonly number[],
  mean: Float32Array, // [c]
  variance: Float32Array, // [c]
  weight: Float32Array | null, // [c]
  bias: Float32Array | null, // [c]
  eps: number,
  out: Float32Array,
): void {
  const { n, c, inner } = batchNormParams(x, xShape, out);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const rstd = 1 / Math.sqrt(variance[ch] + eps);
      const o = (b * c + ch) * inner;
      for (let i = 0; i < inner; i++) {
        out[o + i] = (x[o + i] - mean[ch]) * rstd * (weight ? weight[ch] : 1) + (bias ? bias[ch] : 0);
      }
    }
  }
}

/** Folds an eval BatchNorm into the preceding conv: w' = w * g / sqrt(var + eps), b' = (b - mean) * g / sqrt(var + eps) + beta. */
export function foldBatchNormReference(
  convWeight: Float32Array, // [o, ...]
  convBias: Float32Array | null, // [o]
  outChannels: number,
  mean: Float32Array,
  variance: Float32Array,
  weight: Float32Array | null,
  bias: Float32Array | null,
  eps: number,
): { weight: Float32Array; bias: Float32Array } {
  const per = convWeight.length / outChannels;
  const w = new Float32Array(convWeight.length);
  const b = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const s = (weight ? weight[o] : 1) / Math.sqrt(variance[o] + eps);
    for (let i = 0; i < per; i++) w[o * per + i] = convWeight[o * per + i] * s;
    b[o] = ((convBias ? convBias[o] : 0) - mean[o]) * s + (bias ? bias[o] : 0);
  }
  return { weight: w, bias: b };
}
