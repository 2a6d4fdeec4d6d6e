import type { Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { Linear } from '../../layers/linear.js';
import { classificationLoss, type Labels } from '../classification-loss.js';
import type { EncoderInputs } from '../encoder/encoder-model.js';
import { applyLinear } from '../encoder/head-ops.js';
import { EncoderTaskModel, buildTaskModel } from '../encoder/encoder-task-model.js';
import type { ForwardHeadOptions } from '../forward-contract.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import type { ImageClassifierOutput } from '../model-outputs.js';
import { checkSequence, selectTokenDevice } from '../vit/vit-model.js';
import { DEIT_BACKBONE, DEIT_HEADS, adaptDeiTCheckpoint } from './deit-checkpoint.js';
import { DeiTConfig } from './deit-config.js';
import { DeiTModel } from './deit-model.js';

export interface DeiTForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: DeiTConfig;
}

export interface DeiTForImageClassificationInputs extends Omit<EncoderInputs, 'boolMaskedPos'> {
  /** Class indices [batch] (integer) or float targets; a loss is returned when given. */
  labels?: Labels | null;
}

/**
 * transformers' DeiTForImageClassification: DeiTModel without pooler under `deit.`, then `classifier` on
 * the final-normed [CLS] token (the distillation token is not read; Identity when num_labels is 0). The loss
 * is computed on the CPU from the logits read back.
 */
export class DeiTForImageClassification extends EncoderTaskModel<DeiTConfig, DeiTModel> {
  constructor(
    config: DeiTConfig,
    deit: DeiTModel,
    readonly classifier: Linear | null, // hidden → numLabels; null = Identity
  ) {
    super(config, deit);
  }

  static async fromPretrained(idOrPath: string, options: DeiTForImageClassificationLoadOptions = {}): Promise<DeiTForImageClassification> {
    return DeiTForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: DeiTForImageClassificationLoadOptions = {}): Promise<DeiTForImageClassification> {
    return loadFromRepo('DeiTForImageClassification', repo, options, (dict) => DeiTConfig.fromDict(dict), DeiTForImageClassification.fromWeights);
  }

  static async fromWeights(config: DeiTConfig, weights: WeightMap, options: DeiTForImageClassificationLoadOptions = {}): Promise<DeiTForImageClassification> {
    return buildTaskModel(
      adaptDeiTCheckpoint(weights, DEIT_HEADS.classification), options, DEIT_BACKBONE,
      (arena, scope) => DeiTModel.load(arena, scope, config, { ...options, addPoolingLayer: false }),
      async (arena, root, deit) => {
        const n = config.numLabels;
        return new DeiTForImageClassification(config, deit, n > 0 ? await Linear.load(arena, root.pp('classifier'), config.hiddenSize, n) : null);
      },
    );
  }

  async forward(inputs: DeiTForImageClassificationInputs): Promise<ImageClassifierOutput> {
    const { labels, ...rest } = inputs;
    const { heads, hiddenStates, attentions } = await this.backbone.run(rest, (encoded, outputs) => ({
      logits: applyLinear(selectTokenDevice(encoded.final, 0, outputs), this.classifier, outputs),
    }));
    const logits = heads.logits!;
    return { loss: labels != null ? classificationLoss(this.config, logits, labels) : null, logits, hiddenStates, attentions };
  }

  /** timm's forward_head: logits [batch, numLabels], or with preLogits the [CLS] features [batch, hidden]. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return this.backbone.session(async (outputs) => {
      const cls = selectTokenDevice(outputs.upload(checkSequence(features, this.config.hiddenSize)), 0, outputs);
      return outputs.read(options.preLogits ? cls : applyLinear(cls, this.classifier, outputs));
    });
  }
}
