import type { Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { Linear } from '../../layers/linear.js';
import type { EncoderInputs } from '../encoder/encoder-model.js';
import { EncoderTaskModel, buildTaskModel } from '../encoder/encoder-task-model.js';
import { applyLinear, averageDevice } from '../encoder/head-ops.js';
import type { ForwardHeadOptions } from '../forward-contract.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import { checkSequence, selectTokenDevice } from '../vit/vit-model.js';
import { DEIT_BACKBONE, DEIT_HEADS, adaptDeiTCheckpoint } from './deit-checkpoint.js';
import { DeiTConfig } from './deit-config.js';
import { DeiTModel } from './deit-model.js';

export interface DeiTForImageClassificationWithTeacherLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: DeiTConfig;
}

/** transformers' DeiTForImageClassificationWithTeacherOutput. */
export interface DeiTForImageClassificationWithTeacherOutput {
  /** Always null: the class is inference-only (transformers' forward takes no labels). */
  loss: null;
  /** (clsLogits + distillationLogits) / 2: [batch, numLabels]. */
  logits: Tensor;
  /** cls_classifier(final-normed [CLS]). */
  clsLogits: Tensor;
  /** distillation_classifier(final-normed distillation token). */
  distillationLogits: Tensor;
  hiddenStates: Tensor[] | null;
  attentions: Tensor[] | null;
}

/**
 * transformers' DeiTForImageClassificationWithTeacher, the distilled DeiT checkpoints' class: DeiTModel
 * without pooler under `deit.`, `cls_classifier` on token 0 and `distillation_classifier` on token 1, logits
 * their mean. transformers' forward takes no labels (fine-tuning with a teacher is unsupported there too).
 */
export class DeiTForImageClassificationWithTeacher extends EncoderTaskModel<DeiTConfig, DeiTModel> {
  constructor(
    config: DeiTConfig,
    deit: DeiTModel,
    readonly clsClassifier: Linear | null, // hidden → numLabels; null = Identity
    readonly distillationClassifier: Linear | null,
  ) {
    super(config, deit);
  }

  static async fromPretrained(idOrPath: string, options: DeiTForImageClassificationWithTeacherLoadOptions = {}): Promise<DeiTForImageClassificationWithTeacher> {
    return DeiTForImageClassificationWithTeacher.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: DeiTForImageClassificationWithTeacherLoadOptions = {}): Promise<DeiTForImageClassificationWithTeacher> {
    const name = 'DeiTForImageClassificationWithTeacher';
    return loadFromRepo(name, repo, options, (dict) => DeiTConfig.fromDict(dict), DeiTForImageClassificationWithTeacher.fromWeights);
  }

  static async fromWeights(config: DeiTConfig, weights: WeightMap, options: DeiTForImageClassificationWithTeacherLoadOptions = {}): Promise<DeiTForImageClassificationWithTeacher> {
    return buildTaskModel(
      adaptDeiTCheckpoint(weights, DEIT_HEADS.withTeacher), options, DEIT_BACKBONE,
      (arena, scope) => DeiTModel.load(arena, scope, config, { ...options, addPoolingLayer: false }),
      async (arena, root, deit) => {
        const n = config.numLabels;
        const head = (name: string): Promise<Linear | null> => (n > 0 ? Linear.load(arena, root.pp(name), config.hiddenSize, n) : Promise.resolve(null));
        return new DeiTForImageClassificationWithTeacher(config, deit, await head('cls_classifier'), await head('distillation_classifier'));
      },
    );
  }

  async forward(inputs: Omit<EncoderInputs, 'boolMaskedPos'> & { labels?: null }): Promise<DeiTForImageClassificationWithTeacherOutput> {
    const { labels, ...rest } = inputs;
    if (labels != null) {
      throw new TypeError('DeiTForImageClassificationWithTeacher is inference-only and takes no labels (transformers: fine-tuning with distillation is not supported); use DeiTForImageClassification');
    }
    const { heads, hiddenStates, attentions } = await this.backbone.run(rest, (encoded, outputs) => this.heads(encoded.final, outputs));
    return { loss: null, logits: heads.logits!, clsLogits: heads.clsLogits!, distillationLogits: heads.distillationLogits!, hiddenStates, attentions };
  }

  /**
   * timm's forward_head: the averaged logits [batch, numLabels], or with preLogits the mean of the [CLS] and
   * distillation tokens [batch, hidden] (timm's distilled ViT's pre-logits).
   */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return this.backbone.session(async (outputs) => {
      const x = outputs.upload(checkSequence(features, this.config.hiddenSize));
      if (options.preLogits) return outputs.read(averageDevice(selectTokenDevice(x, 0, outputs), selectTokenDevice(x, 1, outputs), outputs));
      return outputs.read(this.heads(x, outputs).logits);
    });
  }

  private heads(final: DeviceTensor, outputs: ForwardOutputs): { logits: DeviceTensor; clsLogits: DeviceTensor; distillationLogits: DeviceTensor } {
    const clsLogits = applyLinear(selectTokenDevice(final, 0, outputs), this.clsClassifier, outputs);
    const distillationLogits = applyLinear(selectTokenDevice(final, 1, outputs), this.distillationClassifier, outputs);
    return { logits: averageDevice(clsLogits, distillationLogits, outputs), clsLogits, distillationLogits };
  }
}
