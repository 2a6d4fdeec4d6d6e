import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { EncoderClassifier, loadClassifier } from '../encoder/encoder-classifier.js';
import { buildTaskModel } from '../encoder/encoder-task-model.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import { VIT_MSN_BACKBONE, VIT_MSN_HEAD, adaptViTMSNCheckpoint } from './vit-msn-checkpoint.js';
import { ViTMSNConfig } from './vit-msn-config.js';
import { ViTMSNModel } from './vit-msn-model.js';

export interface ViTMSNForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: ViTMSNConfig;
}

/** transformers' ViTMSNForImageClassification: ViTMSNModel under `vit.`, `classifier` on the final-normed [CLS] token. */
export class ViTMSNForImageClassification extends EncoderClassifier<ViTMSNConfig, ViTMSNModel> {
  static async fromPretrained(idOrPath: string, options: ViTMSNForImageClassificationLoadOptions = {}): Promise<ViTMSNForImageClassification> {
    return ViTMSNForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTMSNForImageClassificationLoadOptions = {}): Promise<ViTMSNForImageClassification> {
    return loadFromRepo('ViTMSNForImageClassification', repo, options, (dict) => ViTMSNConfig.fromDict(dict), ViTMSNForImageClassification.fromWeights);
  }

  static async fromWeights(config: ViTMSNConfig, weights: WeightMap, options: ViTMSNForImageClassificationLoadOptions = {}): Promise<ViTMSNForImageClassification> {
    return buildTaskModel(
      adaptViTMSNCheckpoint(weights, VIT_MSN_HEAD), options, VIT_MSN_BACKBONE,
      (arena, scope) => ViTMSNModel.load(arena, scope, config, options),
      async (arena, root, vit) => new ViTMSNForImageClassification(config, vit, await loadClassifier(arena, root.pp('classifier'), config.hiddenSize, config.numLabels)),
    );
  }
}
