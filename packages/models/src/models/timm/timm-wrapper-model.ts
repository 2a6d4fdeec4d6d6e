import type { Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { loadFromRepo } from '../load-context.js';
import type { BaseModelOutputWithPooling } from '../model-outputs.js';
import { TimmWrapperPreTrainedModel, buildTimmWrapper, type TimmWrapperLoadOptions } from './timm-wrapper-base.js';
import { TimmWrapperConfig } from './timm-wrapper-config.js';

export type { TimmWrapperLoadOptions } from './timm-wrapper-base.js';

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

/**
 * transformers' TimmWrapperModel: `timm.create_model(config.architecture, num_classes=0,
 * **config.model_args)` — timm's VisionTransformer or ResNet without classifier — behind transformers'
 * model outputs. Checkpoints: timm names, with or without `timm_model.`; classifier keys are ignored.
 */
export class TimmWrapperModel extends TimmWrapperPreTrainedModel {
  /** Loads a hub id or local folder holding a timm config.json + model.safetensors. */
  static async fromPretrained(idOrPath: string, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperModel> {
    return TimmWrapperModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperModel> {
    return loadFromRepo('TimmWrapperModel', repo, options, (dict) => TimmWrapperConfig.fromDict(dict, options), TimmWrapperModel.fromWeights);
  }

  /** Builds the model from an in-memory weight map. */
  static async fromWeights(config: TimmWrapperConfig, weights: WeightMap, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperModel> {
    return buildTimmWrapper(config, weights, options, 0, (timmModel) => new TimmWrapperModel(config, timmModel));
  }

  async forward(inputs: TimmWrapperModelInputs): Promise<TimmWrapperModelOutput> {
    const hidden = this.hiddenStatesFor(inputs);
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
}
