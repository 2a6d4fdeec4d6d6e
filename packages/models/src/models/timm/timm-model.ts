import type { Engine, Tensor } from '@purevit/core';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { ForwardContract, ForwardHeadOptions, ForwardIntermediatesOptions, ForwardIntermediatesOutput } from '../forward-contract.js';
import type { TimmFamily } from './architectures.js';

export { featureTakeIndices } from '../forward-contract.js';

/** timm's forward_intermediates keyword arguments (the shared forward contract's). */
export type TimmForwardIntermediatesOptions = ForwardIntermediatesOptions;
export type TimmForwardIntermediatesOutput = ForwardIntermediatesOutput;
export type TimmForwardHeadOptions = ForwardHeadOptions;

/**
 * What a timm model class offers (timm's forward contract), whatever the family. `numClasses` 0 means
 * no classifier (timm's Identity head): forwardHead then returns the pre-logits features.
 */
export interface TimmModel extends ForwardContract {
  readonly family: TimmFamily;
  /** Entry-point name. */
  readonly architecture: string;
  readonly numClasses: number;
  /** Width of the pooled features the classifier reads (timm's num_features, times 2 for catavgmax). */
  readonly numFeatures: number;
  /** ViT attention kernel; ResNets ignore it. */
  attnImplementation: AttentionImplementation;
  /** forwardHead(forwardFeatures(x)): logits [batch, numClasses] (or the features without a classifier). */
  forward(pixelValues: Tensor): Promise<Tensor>;
  /** The engine holding the weights and running the ops. */
  readonly engine: Engine;
  /** Frees the weights and run state held in the engine's memory (the model is unusable afterwards). */
  dispose(): Promise<void>;
}
