import { BIT_IMAGE_PROCESSOR } from '../../auto/image-processors.js';
import type { ModelFamily } from '../../auto/registry.js';
import type { PretrainedConfig } from '../../configs/pretrained-config.js';
import { Dinov2Config } from './dinov2-config.js';
import { Dinov2ForImageClassification, Dinov2WithRegistersForImageClassification } from './dinov2-for-image-classification.js';
import { Dinov2Model } from './dinov2-model.js';
import { Dinov2WithRegistersConfig } from './dinov2-with-registers-config.js';
import { Dinov2WithRegistersModel } from './dinov2-with-registers-model.js';

function dinov2Config(config: PretrainedConfig): Dinov2Config {
  if (!(config instanceof Dinov2Config) || config instanceof Dinov2WithRegistersConfig) {
    throw new TypeError(`a DINOv2 model needs a Dinov2Config, got model_type "${config.modelType}"`);
  }
  return config;
}

function registersConfig(config: PretrainedConfig): Dinov2WithRegistersConfig {
  if (!(config instanceof Dinov2WithRegistersConfig)) throw new TypeError(`a DINOv2-with-registers model needs a Dinov2WithRegistersConfig, got model_type "${config.modelType}"`);
  return config;
}

/** DINOv2 (model_type "dinov2", facebook/dinov2-*), preprocessed by BitImageProcessor. */
export const DINOV2_FAMILY: ModelFamily = {
  modelType: Dinov2Config.modelType,
  configFromDict: (dict) => Dinov2Config.fromDict(dict),
  imageProcessor: BIT_IMAGE_PROCESSOR,
  tasks: {
    model: { className: 'Dinov2Model', fromRepo: (repo, config, options) => Dinov2Model.fromRepo(repo, { ...options, config: dinov2Config(config) }) },
    'image-classification': {
      className: 'Dinov2ForImageClassification',
      fromRepo: (repo, config, options) => Dinov2ForImageClassification.fromRepo(repo, { ...options, config: dinov2Config(config) }),
    },
  },
};

/**
 * DINOv2 with registers (model_type "dinov2_with_registers", facebook/dinov2-with-registers-*). transformers
 * maps no image processor to this model_type: its repos name BitImageProcessor in preprocessor_config.json.
 */
export const DINOV2_WITH_REGISTERS_FAMILY: ModelFamily = {
  modelType: Dinov2WithRegistersConfig.modelType,
  configFromDict: (dict) => Dinov2WithRegistersConfig.fromDict(dict),
  imageProcessor: null,
  tasks: {
    model: {
      className: 'Dinov2WithRegistersModel',
      fromRepo: (repo, config, options) => Dinov2WithRegistersModel.fromRepo(repo, { ...options, config: registersConfig(config) }),
    },
    'image-classification': {
      className: 'Dinov2WithRegistersForImageClassification',
      fromRepo: (repo, config, options) => Dinov2WithRegistersForImageClassification.fromRepo(repo, { ...options, config: registersConfig(config) }),
    },
  },
};
