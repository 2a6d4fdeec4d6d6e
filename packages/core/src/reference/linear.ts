import type { LinearEpilogue } from '../kernels/linear.js';
import { applyActivationReference } from './activations.js';

/**
 * out[rows, outF] = x[rows, inF] · weightᵀ + bias, weight in torch's [outF, inF] layout; then the epilogue:
 * activation, then `out += residual`.
 */
export function linearReference(
  x: Float32Array,
  rows: number,
  weight: Float32Array, // [outFeatures, inFeatures]
  bias: Float32Array | null, // [outFeatures]
  outFeatures: number,
  inFeatures: number,
  out: Float32Array, // [rows, outFeatures]
  epilogue: LinearEpilogue = {},
): void {
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let s = bias ? bias[o] : 0;
      for (let i = 0; i < inFeatures; i++) s += x[r * inFeatures + i] * weight[o * inFeatures + i];
      out[r * outFeatures + o] = s;
    }
  }
  const n = rows * outFeatures;
  if (epilogue.activation) applyActivationReference(epilogue.activation, out.subarray(0, n), out.subarray(0, n));
  const res = epilogue.residual;
  if (res) for (let i = 0; i < n; i++) out[i] += res[i];
}
