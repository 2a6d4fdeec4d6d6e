import { Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { Linear } from '../../layers/linear.js';
import { classificationLoss, type Labels } from '../classification-loss.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import type { ImageClassifierOutput } from '../model-outputs.js';
import { selectToken } from '../tensor-utils.js';
import { ViTConfig } from './vit-config.js';
import type { ForwardHeadOptions, ViTModel, ViTModelInputs } from './vit-model.js';
import { ViTTaskModel, buildViTTaskModel } from './vit-task-model.js';

export interface ViTForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: ViTConfig;
}

export interface ViTForImageClassificationInputs extends Omit<ViTModelInputs, 'boolMaskedPos'> {
  /** Class indices [batch] (integer) or float targets; a loss is returned when given. */
  labels?: Labels | null;
}

/** Checkpoint modules of the head (everything else is the backbone under `vit.`). */
const HEAD_MODULES = ['classifier'];

/**
 * transformers' ViTForImageClassification: ViTModel without pooler, then `classifier` on the [CLS]
 * token of the final-normed sequence (Identity when num_labels is 0).
 */
export class ViTForImageClassification extends ViTTaskModel {
  constructor(
    config: ViTConfig,
    vit: ViTModel,
    readonly classifier: Linear | null, // hidden → numLabels; null = Identity
  ) {
    super(config, vit);
  }

  static async fromPretrained(idOrPath: string, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return ViTForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return loadFromRepo('ViTForImageClassification', repo, options, (dict) => ViTConfig.fromDict(dict), ViTForImageClassification.fromWeights);
  }

  static async fromWeights(config: ViTConfig, weights: WeightMap, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return buildViTTaskModel(config, weights, HEAD_MODULES, options, {}, async (arena, root, vit) => {
      const n = config.numLabels;
      const classifier = n > 0 ? await Linear.load(arena, root.pp('classifier'), config.hiddenSize, n) : null;
      return new ViTForImageClassification(config, vit, classifier);
    });
  }

  async forward(inputs: ViTForImageClassificationInputs): Promise<ImageClassifierOutput> {
    const { labels, ...rest } = inputs;
    const encoded = await this.vit.encode(rest);
    const logits = await this.head(selectToken(encoded.lastHiddenState));
    const loss = labels != null ? classificationLoss(this.config, logits, labels) : null;
    return { loss, logits, hiddenStates: encoded.hiddenStates, attentions: encoded.attentions };
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues' | 'boolMaskedPos'> = {}): Promise<Tensor> {
    return this.vit.forwardFeatures(pixelValues, options);
  }

  /** timm's forward_head: logits [batch, numLabels], or with preLogits the [CLS] features [batch, hidden]. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    const cls = selectToken(features);
    return options.preLogits ? cls : this.head(cls);
  }

  private async head(cls: Tensor): Promise<Tensor> {
    if (!this.classifier) return cls;
    const batch = cls.shape[0];
    const logits = Tensor.zeros([batch, this.classifier.outFeatures]);
    await this.classifier.forward(cls.data, batch, logits.data);
    return logits;
  }
}
