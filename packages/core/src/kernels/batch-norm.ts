import { batchNormReference, foldBatchNormReference } from '../reference/batch-norm.js';

/** Eval-mode BatchNorm over axis 1 of [N, C, ...]; `out` may alias `x`. */
export function batchNorm(
  x: Float32Array,
  xShape: readonly number[],
  mean: Float32Array, // [c]
  variance: Float32Array, // [c]
  weight: Float32Array | null, // [c]
  bias: Float32Array | null, // [c]
  eps: number,
  out: Float32Array,
): void {
  batchNormReference(x, xShape, mean, variance, weight, bias, eps, out);
}

/** Folds an eval BatchNorm into the conv before it; returns the new conv weight and bias. */
export function foldBatchNorm(
  convWeight: Float32Array, // [o, ...]
  convBias: Float32Array | null, // [o]
  outChannels: number,
  mean: Float32Array, // [o]
  variance: Float32Array, // [o]
  weight: Float32Array | null, // [o]
  bias: Float32Array | null, // [o]
  eps: number,
): { weight: Float32Array; bias: Float32Array } {
  return foldBatchNormReference(convWeight, convBias, outChannels, mean, variance, weight, bias, eps);
}
