import type { Engine, Tensor } from '@purevit/core';
import type { PretrainedConfig } from '../configs/pretrained-config.js';
import type { AttentionImplementation } from '../layers/attention.js';
import type { Labels } from './classification-loss.js';
import type { BaseModelOutputWithPooling, ImageClassifierOutput, LoadReport, MaskedImageModelingOutput } from './model-outputs.js';

/**
 * What the Auto classes return, whatever the family: transformers' task contracts plus timm's
 * forward contract (forwardFeatures → forwardHead). Family classes implement these structurally.
 */

export interface PretrainedModel {
  readonly config: PretrainedConfig;
  loadReport: LoadReport;
  attnImplementation: AttentionImplementation;
  /** The engine holding the weights and running the kernels. */
  readonly engine: Engine;
  /** Frees the weights and run state held in the engine's memory; the model is unusable afterwards. */
  dispose(): Promise<void>;
  /** timm's forward_features: the final-normed features (tokens for ViTs). */
  forwardFeatures(pixelValues: Tensor): Promise<Tensor>;
  /** timm's forward_head; with preLogits the pooled features the head reads. */
  forwardHead(features: Tensor, options?: { preLogits?: boolean }): Promise<Tensor>;
}

export interface BaseForwardInputs {
  pixelValues: Tensor; // [batch, channels, height, width]
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
}

/** AutoModel: the bare backbone. */
export interface ImageFeatureModel extends PretrainedModel {
  forward(inputs: BaseForwardInputs): Promise<BaseModelOutputWithPooling>;
}

/** AutoModelForImageClassification. */
export interface ImageClassificationModel extends PretrainedModel {
  forward(inputs: BaseForwardInputs & { labels?: Labels | null }): Promise<ImageClassifierOutput>;
}

/** What AutoModelForPreTraining returns (ViTMAEForPreTraining): a loss on the input itself and the decoder's logits. */
export interface PreTrainingOutput {
  loss: Tensor | null; // [] (0-d)
  logits: Tensor;
  hiddenStates: Tensor[] | null;
  attentions: Tensor[] | null;
}

/** AutoModelForPreTraining. */
export interface PreTrainingModel extends PretrainedModel {
  forward(inputs: BaseForwardInputs): Promise<PreTrainingOutput>;
}

/** AutoModelForMaskedImageModeling. */
export interface MaskedImageModelingModel extends PretrainedModel {
  forward(inputs: BaseForwardInputs & { boolMaskedPos?: Tensor | Uint8Array | readonly boolean[] | null }): Promise<MaskedImageModelingOutput>;
}
