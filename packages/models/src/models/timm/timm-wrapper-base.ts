import type { Engine, Tensor } from '@purevit/core';
import type { WeightMap } from '@purevit/weights';
import type { AttentionImplementation } from '../../layers/attention.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import type { LoadReport } from '../model-outputs.js';
import { resolveArchitecture } from './architectures.js';
import { CLASSIFIER_MODULE, createTimmModel } from './create-timm-model.js';
import { adaptTimmCheckpoint } from './timm-checkpoint.js';
import type { TimmForwardHeadOptions, TimmForwardIntermediatesOptions, TimmForwardIntermediatesOutput, TimmModel } from './timm-model.js';
import type { TimmWrapperConfig, TimmWrapperConfigOverrides } from './timm-wrapper-config.js';

/** Options of the TimmWrapper classes' loaders. */
export interface TimmWrapperLoadOptions extends LoadOptions, TimmWrapperConfigOverrides {
  /** Use this config instead of the repo's config.json (numLabels / id2label are then ignored). */
  config?: TimmWrapperConfig;
}

/** Where transformers' `if output_hidden_states:` is true, and the indices a list gives. */
export function hiddenStatesRequest(value: boolean | readonly number[] | undefined, fallback: boolean): { want: boolean; indices?: readonly number[] } {
  const v = value ?? fallback;
  if (Array.isArray(v)) return v.length > 0 ? { want: true, indices: v } : { want: false };
  return { want: v === true };
}

/**
 * What transformers' two TimmWrapper classes share (its TimmWrapperPreTrainedModel): a timm model behind
 * the config, the checks before a forward, and timm's own forward methods passed through.
 */
export abstract class TimmWrapperPreTrainedModel {
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };

  constructor(
    readonly config: TimmWrapperConfig,
    /** The timm model (timm's forward contract). */
    readonly timmModel: TimmModel,
  ) {}

  get attnImplementation(): AttentionImplementation {
    return this.timmModel.attnImplementation;
  }

  set attnImplementation(impl: AttentionImplementation) {
    this.timmModel.attnImplementation = impl;
  }

  /** timm's forward_features. */
  async forwardFeatures(pixelValues: Tensor): Promise<Tensor> {
    return this.timmModel.forwardFeatures(pixelValues);
  }

  /**
   * timm's forward_head: logits, or with preLogits the pooled features the classifier reads (without a
   * classifier: the pooled features with or without preLogits).
   */
  async forwardHead(features: Tensor, options: TimmForwardHeadOptions = {}): Promise<Tensor> {
    return this.timmModel.forwardHead(features, options);
  }

  /** The engine holding the weights and running the kernels. */
  get engine(): Engine {
    return this.timmModel.engine;
  }

  /** Frees the weights and run state held in the engine's memory. */
  dispose(): Promise<void> {
    return this.timmModel.dispose();
  }

  /** timm's forward_intermediates. */
  async forwardIntermediates(pixelValues: Tensor, options: TimmForwardIntermediatesOptions = {}): Promise<TimmForwardIntermediatesOutput> {
    return this.timmModel.forwardIntermediates(pixelValues, options);
  }

  /** transformers' checks before a forward: attentions are an error; which hidden states are wanted. */
  protected hiddenStatesFor(inputs: { outputHiddenStates?: boolean | readonly number[]; outputAttentions?: boolean }): { want: boolean; indices?: readonly number[] } {
    if (inputs.outputAttentions ?? this.config.outputAttentions) throw new Error('Cannot set `output_attentions` for timm models.');
    return hiddenStatesRequest(inputs.outputHiddenStates, this.config.outputHiddenStates);
  }
}

/**
 * The TimmWrapper classes' `fromWeights`: `timm.create_model(config.architecture, num_classes=numClasses,
 * **config.model_args)` from the checkpoint (timm names, with or without `timm_model.`; with numClasses 0
 * the classifier keys are ignored), wrapped by `wrap`.
 */
export async function buildTimmWrapper<M extends TimmWrapperPreTrainedModel>(
  config: TimmWrapperConfig,
  weights: WeightMap,
  options: TimmWrapperLoadOptions,
  numClasses: number,
  wrap: (timmModel: TimmModel) => M,
): Promise<M> {
  const attn = resolveAttnImplementation(options);
  const architecture = resolveArchitecture(config.architecture, config.modelArgs);
  const adapted = adaptTimmCheckpoint(weights, numClasses === 0 ? { dropModule: CLASSIFIER_MODULE[architecture.family] } : {});
  return buildFromWeights(adapted, options, async (arena, root) => {
    const model = wrap(await createTimmModel(arena, root, architecture, numClasses));
    model.attnImplementation = attn;
    return model;
  });
}
