import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { EncoderClassifier, loadClassifier } from '../encoder/encoder-classifier.js';
import { buildTaskModel } from '../encoder/encoder-task-model.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import { BEIT_BACKBONE, BEIT_HEAD, adaptBeitCheckpoint } from './beit-checkpoint.js';
import { BeitConfig } from './beit-config.js';
import { BeitModel } from './beit-model.js';

export interface BeitForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: BeitConfig;
}

/** transformers' BeitForImageClassification: BeitModel (with its pooler) under `beit.`, `classifier` on pooler_output. */
export class BeitForImageClassification extends EncoderClassifier<BeitConfig, BeitModel> {
  static async fromPretrained(idOrPath: string, options: BeitForImageClassificationLoadOptions = {}): Promise<BeitForImageClassification> {
    return BeitForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: BeitForImageClassificationLoadOptions = {}): Promise<BeitForImageClassification> {
    return loadFromRepo('BeitForImageClassification', repo, options, (dict) => BeitConfig.fromDict(dict), BeitForImageClassification.fromWeights);
  }

  static async fromWeights(config: BeitConfig, weights: WeightMap, options: BeitForImageClassificationLoadOptions = {}): Promise<BeitForImageClassification> {
    return buildTaskModel(
      adaptBeitCheckpoint(weights, BEIT_HEAD), options, BEIT_BACKBONE,
      (arena, scope) => BeitModel.load(arena, scope, config, { ...options, addPoolingLayer: true }),
      async (arena, root, beit) => new BeitForImageClassification(config, beit, await loadClassifier(arena, root.pp('classifier'), config.hiddenSize, config.numLabels)),
    );
  }
}
