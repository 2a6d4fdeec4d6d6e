import type { Engine, Tensor } from '@purevit/core';
import { WeightScope, loadWeights, type ModelRepo, type WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import type { AttentionImplementation } from '../../layers/attention.js';
import { withLoadContext } from '../load-context.js';
import { buildIn, openArena } from '../model-arena.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import type { BaseModelOutputWithPooling, LoadReport } from '../model-outputs.js';
import { resolveArchitecture } from './architectures.js';
import { CLASSIFIER_MODULE, createTimmModel } from './create-timm-model.js';
import { adaptTimmCheckpoint } from './timm-checkpoint.js';
import type { TimmForwardHeadOptions, TimmForwardIntermediatesOptions, TimmForwardIntermediatesOutput, TimmModel } from './timm-model.js';
import { TimmWrapperConfig, type TimmWrapperConfigOverrides } from './timm-wrapper-config.js';

/** Options of the TimmWrapper classes' loaders. */
export interface TimmWrapperLoadOptions extends LoadOptions, TimmWrapperConfigOverrides {
  /** Use this config instead of the repo's config.json (numLabels / id2label are then ignored). */
  config?: TimmWrapperConfig;
}

/** Forward arguments of TimmWrapperModel (transformers' names in camelCase). */
export interface TimmWrapperModelInputs {
  pixelValues: Tensor; // [batch, channels, height, width]
  /**
   * true: every feature of timm's forward_intermediates; a list of indices: those (passed as
   * `indices`; negative from the end). Default: config.outputHiddenStates.
   */
  outputHiddenStates?: boolean | readonly number[];
  /** timm models return no attentions: true is an error, as in transformers. */
  outputAttentions?: boolean;
  /** Compute poolerOutput (timm's forward_head without classifier). Default: config.doPooling. */
  doPooling?: boolean;
}

/**
 * TimmWrapperModelOutput. lastHiddenState is timm's forward_features (ViT: final-normed tokens
 * [batch, tokens, dim]; ResNet: the last map [batch, channels, h, w]); poolerOutput the pooled (and
 * fc-normed) pre-logits features [batch, numFeatures], null without pooling; hiddenStates timm's
 * forward_intermediates (ViT: one NCHW map per block, prefix tokens removed, no final norm; ResNet:
 * stem after act1, layer1 … layer4); attentions always null.
 */
export type TimmWrapperModelOutput = BaseModelOutputWithPooling;

/** Where transformers' `if output_hidden_states:` is true, and the indices a list gives. */
export function hiddenStatesRequest(value: boolean | readonly number[] | undefined, fallback: boolean): { want: boolean; indices?: readonly number[] } {
  const v = value ?? fallback;
  if (Array.isArray(v)) return v.length > 0 ? { want: true, indices: v } : { want: false };
  return { want: v === true };
}

/**
 * transformers' TimmWrapperModel: `timm.create_model(config.architecture, num_classes=0,
 * **config.model_args)` — timm's VisionTransformer or ResNet without classifier — behind transformers'
 * model outputs. Checkpoints: timm names, with or without `timm_model.`; classifier keys are ignored.
 */
export class TimmWrapperModel {
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

  /** Loads a hub id or local folder holding a timm config.json + model.safetensors. */
  static async fromPretrained(idOrPath: string, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperModel> {
    return TimmWrapperModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperModel> {
    return withLoadContext('TimmWrapperModel', repo.id, async () => {
      const config = options.config ?? TimmWrapperConfig.fromDict(await repo.readJson('config.json'), options);
      return TimmWrapperModel.fromWeights(config, await loadWeights(repo), options);
    });
  }

  /** Builds the model from an in-memory weight map. */
  static async fromWeights(config: TimmWrapperConfig, weights: WeightMap, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperModel> {
    const attn = resolveAttnImplementation(options);
    const architecture = resolveArchitecture(config.architecture, config.modelArgs);
    const adapted = adaptTimmCheckpoint(weights, { dropModule: CLASSIFIER_MODULE[architecture.family] });
    const root = new WeightScope(adapted);
    const arena = await openArena(adapted, options);
    const model = new TimmWrapperModel(config, await buildIn(arena, () => createTimmModel(arena, root, architecture, 0)));
    model.attnImplementation = attn;
    model.loadReport = { missingKeys: [], unexpectedKeys: root.unusedKeys() };
    return model;
  }

  async forward(inputs: TimmWrapperModelInputs): Promise<TimmWrapperModelOutput> {
    if (inputs.outputAttentions ?? this.config.outputAttentions) throw new Error('Cannot set `output_attentions` for timm models.');
    const hidden = hiddenStatesRequest(inputs.outputHiddenStates, this.config.outputHiddenStates);
    let lastHiddenState: Tensor;
    let hiddenStates: Tensor[] | null = null;
    if (hidden.want) {
      const out = await this.timmModel.forwardIntermediates(inputs.pixelValues, { indices: hidden.indices });
      lastHiddenState = out.final!;
      hiddenStates = out.intermediates;
    } else {
      lastHiddenState = await this.timmModel.forwardFeatures(inputs.pixelValues);
    }
    const doPooling = inputs.doPooling ?? this.config.doPooling;
    const poolerOutput = doPooling ? await this.timmModel.forwardHead(lastHiddenState) : null;
    return { lastHiddenState, poolerOutput, hiddenStates, attentions: null };
  }

  /** timm's forward_features. */
  async forwardFeatures(pixelValues: Tensor): Promise<Tensor> {
    return this.timmModel.forwardFeatures(pixelValues);
  }

  /** timm's forward_head; without a classifier the pooled features with or without preLogits. */
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
}
