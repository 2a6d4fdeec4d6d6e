import type { Engine, Tensor } from '@purevit/core';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { TimmFamily } from './architectures.js';

/** timm's forward_intermediates keyword arguments (camelCase). */
export interface TimmForwardIntermediatesOptions {
  /** The last n features, or feature indices (negative from the end); default all. */
  indices?: number | readonly number[];
  /** Apply the final norm to each intermediate (ViT; ResNets have none). */
  norm?: boolean;
  /** 'NCHW' (default) maps, or 'NLC' token sequences (ViT only). */
  outputFmt?: 'NCHW' | 'NLC';
  /** ViT: also return each intermediate's prefix (class + register) tokens [batch, prefix, dim]. */
  returnPrefixTokens?: boolean;
  /** Run nothing after the last requested feature. */
  stopEarly?: boolean;
  /** Leave `final` null. */
  intermediatesOnly?: boolean;
}

export interface TimmForwardIntermediatesOutput {
  /** forward_features of what ran (ViT: final-normed tokens; ResNet: the last stage's map); null with intermediatesOnly. */
  final: Tensor | null;
  /** In feature order (ViT: block outputs, prefix tokens removed, no norm unless asked; ResNet: stem after act1, layer1 … layer4). */
  intermediates: Tensor[];
  /** ViT with returnPrefixTokens and prefix tokens; null otherwise. */
  prefixTokens: Tensor[] | null;
}

export interface TimmForwardHeadOptions {
  /** Return the pooled (and fc-normed) features the classifier reads instead of its output. */
  preLogits?: boolean;
}

/**
 * What a timm model class offers (timm's forward contract), whatever the family. `numClasses` 0 means
 * no classifier (timm's Identity head): forwardHead then returns the pre-logits features.
 */
export interface TimmModel {
  readonly family: TimmFamily;
  /** Entry-point name. */
  readonly architecture: string;
  readonly numClasses: number;
  /** Width of the pooled features the classifier reads (timm's num_features, times 2 for catavgmax). */
  readonly numFeatures: number;
  /** ViT attention kernel; ResNets ignore it. */
  attnImplementation: AttentionImplementation;
  forwardFeatures(pixelValues: Tensor): Promise<Tensor>;
  forwardHead(features: Tensor, options?: TimmForwardHeadOptions): Promise<Tensor>;
  /** forwardHead(forwardFeatures(x)): logits [batch, numClasses] (or the features without a classifier). */
  forward(pixelValues: Tensor): Promise<Tensor>;
  forwardIntermediates(pixelValues: Tensor, options?: TimmForwardIntermediatesOptions): Promise<TimmForwardIntermediatesOutput>;
  /** The engine holding the weights and running the kernels. */
  readonly engine: Engine;
  /** Frees the weights and run state held in the engine's memory (the model is unusable afterwards). */
  dispose(): Promise<void>;
}

/**
 * timm's feature_take_indices: n → the last n of `count` features; a list → those (negative from
 * the end), in the order given. Also returns the largest index.
 */
export function featureTakeIndices(count: number, indices: number | readonly number[] | undefined): { take: number[]; maxIndex: number } {
  const spec = indices ?? count;
  let take: number[];
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec <= 0 || spec > count) throw new RangeError(`last-n (${spec}) is out of range (1 to ${count})`);
    take = Array.from({ length: spec }, (_, i) => count - spec + i);
  } else {
    take = spec.map((i) => {
      const idx = i < 0 ? count + i : i;
      if (!Number.isInteger(idx) || idx < 0 || idx >= count) throw new RangeError(`feature index ${idx} is out of range (0 to ${count - 1})`);
      return idx;
    });
    if (take.length === 0) throw new RangeError('no feature indices given');
  }
  return { take, maxIndex: Math.max(...take) };
}
