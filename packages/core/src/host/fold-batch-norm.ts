import { checkLength } from '../ops/check.js';

/**
 * Folds an eval BatchNorm into the conv before it (conv weight [o, ...], bias [o] or null):
 * w' = w·α, b' = (b - mean)·α + beta with α = weight / sqrt(var + eps). Returns new arrays.
 */
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
  if (!Number.isSafeInteger(outChannels) || outChannels < 1 || convWeight.length % outChannels !== 0) {
    throw new RangeError(`foldBatchNorm: conv weight of ${convWeight.length} elements is not [${outChannels}, ...]`);
  }
  for (const [name, a] of [['convBias', convBias], ['mean', mean], ['variance', variance], ['weight', weight], ['bias', bias]] as const) {
    if (a) checkLength('foldBatchNorm', name, a, outChannels);
  }
  const per = convWeight.length / outChannels;
  const w = new Float32Array(convWeight.length);
  const b = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const alpha = (weight ? weight[o] : 1) / Math.sqrt(variance[o] + eps);
    for (let i = o * per; i < (o + 1) * per; i++) w[i] = convWeight[i] * alpha;
    b[o] = ((convBias ? convBias[o] : 0) - mean[o]) * alpha + (bias ? bias[o] : 0);
  }
  return { weight: w, bias: b };
}
