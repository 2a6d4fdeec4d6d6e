import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { EncoderClassifier, loadClassifier } from '../encoder/encoder-classifier.js';
import { buildTaskModel } from '../encoder/encoder-task-model.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import { DEIT_BACKBONE, DEIT_HEADS, adaptDeiTCheckpoint } from './deit-checkpoint.js';
import { DeiTConfig } from './deit-config.js';
import { DeiTModel } from './deit-model.js';

export interface DeiTForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: DeiTConfig;
}

/**
 * transformers' DeiTForImageClassification: DeiTModel without pooler under `deit.`, then `classifier` on
 * the final-normed [CLS] token (the distillation token is not read; Identity when num_labels is 0).
 */
export class DeiTForImageClassification extends EncoderClassifier<DeiTConfig, DeiTModel> {
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
      async (arena, root, deit) => new DeiTForImageClassification(config, deit, await loadClassifier(arena, root.pp('classifier'), config.hiddenSize, config.numLabels)),
    );
  }
}
