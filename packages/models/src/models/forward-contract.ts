/**
 * timm's forward contract, the one every model follows (transformers' ViT classes, timm's VisionTransformer
 * and ResNet, and the families that come next): forward_features → forward_head(pre_logits), and
 * forward_intermediates with timm's feature_take_indices.
 */

import type { Tensor } from '@purevit/core';

/** timm's forward_intermediates keyword arguments (camelCase). */
export interface ForwardIntermediatesOptions {
  /** The last n features (an integer), or feature indices (negative from the end); default all. */
  indices?: number | readonly number[];
  /** Apply the final norm to each intermediate (models without one: nothing to apply). */
  norm?: boolean;
  /** 'NCHW' (default) maps, or 'NLC' token sequences (token models only). */
  outputFmt?: 'NCHW' | 'NLC';
  /** Token models: also return each intermediate's prefix (class, register) tokens [batch, prefix, dim]. */
  returnPrefixTokens?: boolean;
  /** Run nothing after the last requested feature. */
  stopEarly?: boolean;
  /** Leave `final` null. */
  intermediatesOnly?: boolean;
}

export interface ForwardIntermediatesOutput {
  /** forward_features of what ran (the final norm applied), null with intermediatesOnly. */
  final: Tensor | null;
  /** One per requested feature, in feature order (each once, as timm's `if i in take_indices`). */
  intermediates: Tensor[];
  /** With returnPrefixTokens on a model with prefix tokens; null otherwise. */
  prefixTokens: Tensor[] | null;
}

export interface ForwardHeadOptions {
  /** Return the pooled (and normed) features the classifier reads instead of its output. */
  preLogits?: boolean;
}

/** The methods every model offers. (timm models add `forward(pixelValues)` = forwardHead(forwardFeatures(x)).) */
export interface ForwardContract {
  /** timm's forward_features. */
  forwardFeatures(pixelValues: Tensor): Promise<Tensor>;
  /** timm's forward_head (on features as forwardFeatures returns them). */
  forwardHead(features: Tensor, options?: ForwardHeadOptions): Promise<Tensor>;
  /** timm's forward_intermediates. */
  forwardIntermediates(pixelValues: Tensor, options?: ForwardIntermediatesOptions): Promise<ForwardIntermediatesOutput>;
}

/**
 * timm's feature_take_indices: `indices` undefined → all `numFeatures`; an integer n → the last n (0 < n ≤
 * numFeatures, else "last-n (n) is out of range (1 to numFeatures)"); a list → those indices, negative ones
 * from the end (each must land in 0 … numFeatures − 1, else "feature index i is out of range"), in the order
 * given. Also returns the largest index (an empty list has none: an error, as Python's max()).
 */
export function featureTakeIndices(numFeatures: number, indices?: number | readonly number[]): { take: number[]; maxIndex: number } {
  const spec = indices ?? numFeatures;
  let take: number[];
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec)) throw new TypeError(`indices must be an integer or a list of integers, got ${spec}`);
    if (!(spec > 0 && spec <= numFeatures)) throw new RangeError(`last-n (${spec}) is out of range (1 to ${numFeatures})`);
    take = Array.from({ length: spec }, (_, i) => numFeatures - spec + i);
  } else {
    if (!Array.isArray(spec)) throw new TypeError('indices must be an integer or a list of integers');
    take = spec.map((i) => {
      if (!Number.isInteger(i)) throw new TypeError(`feature indices must be integers, got ${String(i)}`);
      const idx = i < 0 ? numFeatures + i : i;
      if (!(idx >= 0 && idx < numFeatures)) throw new RangeError(`feature index ${idx} is out of range (0 to ${numFeatures - 1})`);
      return idx;
    });
    if (take.length === 0) throw new RangeError('max() arg is an empty sequence: no feature indices given');
  }
  return { take, maxIndex: Math.max(...take) };
}

/** The output format, checked (timm asserts it). */
export function outputFormat(options: ForwardIntermediatesOptions, allowed: ReadonlyArray<'NCHW' | 'NLC'>): 'NCHW' | 'NLC' {
  const fmt = options.outputFmt ?? 'NCHW';
  if (!allowed.includes(fmt)) throw new RangeError(`outputFmt must be ${allowed.map((f) => `"${f}"`).join(' or ')}, got ${JSON.stringify(fmt)}`);
  return fmt;
}

/** The features forward_intermediates returns: each taken index once, in feature order (timm loops over the features). */
export function featureOrder(take: readonly number[]): number[] {
  return [...new Set(take)].sort((a, b) => a - b);
}
