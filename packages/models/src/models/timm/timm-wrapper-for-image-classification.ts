import type { Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { classificationLoss, type Labels } from '../classification-loss.js';
import { loadFromRepo } from '../load-context.js';
import type { ImageClassifierOutput } from '../model-outputs.js';
import { TimmWrapperPreTrainedModel, buildTimmWrapper, type TimmWrapperLoadOptions } from './timm-wrapper-base.js';
import { TimmWrapperConfig } from './timm-wrapper-config.js';

export interface TimmWrapperForImageClassificationInputs {
  pixelValues: Tensor; // [batch, channels, height, width]
  /** Class indices [batch] (integer) or float targets; a loss is returned when given. */
  labels?: Labels | null;
  /** As TimmWrapperModel: true or a list of forward_intermediates indices. */
  outputHiddenStates?: boolean | readonly number[];
  /** timm models return no attentions: true is an error, as in transformers. */
  outputAttentions?: boolean;
}

/**
 * transformers' TimmWrapperForImageClassification: `timm.create_model(config.architecture,
 * num_classes=config.num_labels, **config.model_args)`; logits = timm's forward (or forward_head of
 * forward_intermediates' final features when hidden states are requested), loss as in ViT.
 */
export class TimmWrapperForImageClassification extends TimmWrapperPreTrainedModel {
  static async fromPretrained(idOrPath: string, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperForImageClassification> {
    return TimmWrapperForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperForImageClassification> {
    return loadFromRepo(
      'TimmWrapperForImageClassification', repo, options, (dict) => TimmWrapperConfig.fromDict(dict, options), TimmWrapperForImageClassification.fromWeights,
    );
  }

  static async fromWeights(config: TimmWrapperConfig, weights: WeightMap, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperForImageClassification> {
    if (config.numLabels === 0) {
      throw new Error(
        'You are trying to load weights into TimmWrapperForImageClassification from a checkpoint with no classifier head. ' +
          'Specify the number of classes (numLabels: 10) or use TimmWrapperModel for feature extraction.',
      );
    }
    return buildTimmWrapper(config, weights, options, config.numLabels, (timmModel) => new TimmWrapperForImageClassification(config, timmModel));
  }

  async forward(inputs: TimmWrapperForImageClassificationInputs): Promise<ImageClassifierOutput> {
    const hidden = this.hiddenStatesFor(inputs);
    let logits: Tensor;
    let hiddenStates: Tensor[] | null = null;
    if (hidden.want) {
      const out = await this.timmModel.forwardIntermediates(inputs.pixelValues, { indices: hidden.indices });
      logits = await this.timmModel.forwardHead(out.final!);
      hiddenStates = out.intermediates;
    } else {
      logits = await this.timmModel.forward(inputs.pixelValues);
    }
    const loss = inputs.labels != null ? classificationLoss(this.config, logits, inputs.labels) : null;
    return { loss, logits, hiddenStates, attentions: null };
  }
}
