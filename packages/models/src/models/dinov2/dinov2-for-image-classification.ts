import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { EncoderClassifier, loadClassifier } from '../encoder/encoder-classifier.js';
import { buildTaskModel } from '../encoder/encoder-task-model.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import { DINOV2_BACKBONE, DINOV2_HEAD, DINOV2_WITH_REGISTERS_BACKBONE, adaptDinov2Checkpoint } from './dinov2-checkpoint.js';
import { Dinov2Config } from './dinov2-config.js';
import { Dinov2Model } from './dinov2-model.js';
import { Dinov2WithRegistersConfig } from './dinov2-with-registers-config.js';
import { Dinov2WithRegistersModel } from './dinov2-with-registers-model.js';

export interface Dinov2ForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: Dinov2Config;
}

/**
 * transformers' Dinov2ForImageClassification: Dinov2Model under `dinov2.`, `classifier` (2·hidden →
 * num_labels) on concat([CLS], mean of the patch tokens) of the final-normed sequence.
 */
export class Dinov2ForImageClassification extends EncoderClassifier<Dinov2Config, Dinov2Model> {
  static async fromPretrained(idOrPath: string, options: Dinov2ForImageClassificationLoadOptions = {}): Promise<Dinov2ForImageClassification> {
    return Dinov2ForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: Dinov2ForImageClassificationLoadOptions = {}): Promise<Dinov2ForImageClassification> {
    return loadFromRepo('Dinov2ForImageClassification', repo, options, (dict) => Dinov2Config.fromDict(dict), Dinov2ForImageClassification.fromWeights);
  }

  static async fromWeights(config: Dinov2Config, weights: WeightMap, options: Dinov2ForImageClassificationLoadOptions = {}): Promise<Dinov2ForImageClassification> {
    return buildTaskModel(
      adaptDinov2Checkpoint(weights, DINOV2_BACKBONE, DINOV2_HEAD), options, DINOV2_BACKBONE,
      (arena, scope) => Dinov2Model.load(arena, scope, config, options),
      async (arena, root, dinov2) => new Dinov2ForImageClassification(config, dinov2, await loadClassifier(arena, root.pp('classifier'), 2 * config.hiddenSize, config.numLabels)),
    );
  }
}

export interface Dinov2WithRegistersForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: Dinov2WithRegistersConfig;
}

/** transformers' Dinov2WithRegistersForImageClassification: as Dinov2ForImageClassification, the mean over the patch tokens only (registers excluded). */
export class Dinov2WithRegistersForImageClassification extends EncoderClassifier<Dinov2WithRegistersConfig, Dinov2WithRegistersModel> {
  static async fromPretrained(
    idOrPath: string,
    options: Dinov2WithRegistersForImageClassificationLoadOptions = {},
  ): Promise<Dinov2WithRegistersForImageClassification> {
    return Dinov2WithRegistersForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: Dinov2WithRegistersForImageClassificationLoadOptions = {}): Promise<Dinov2WithRegistersForImageClassification> {
    const name = 'Dinov2WithRegistersForImageClassification';
    return loadFromRepo(name, repo, options, (dict) => Dinov2WithRegistersConfig.fromDict(dict), Dinov2WithRegistersForImageClassification.fromWeights);
  }

  static async fromWeights(
    config: Dinov2WithRegistersConfig,
    weights: WeightMap,
    options: Dinov2WithRegistersForImageClassificationLoadOptions = {},
  ): Promise<Dinov2WithRegistersForImageClassification> {
    return buildTaskModel(
      adaptDinov2Checkpoint(weights, DINOV2_WITH_REGISTERS_BACKBONE, DINOV2_HEAD), options, DINOV2_WITH_REGISTERS_BACKBONE,
      (arena, scope) => Dinov2WithRegistersModel.load(arena, scope, config, options),
      async (arena, root, dinov2) =>
        new Dinov2WithRegistersForImageClassification(config, dinov2, await loadClassifier(arena, root.pp('classifier'), 2 * config.hiddenSize, config.numLabels)),
    );
  }
}
