import { BEIT_IMAGE_PROCESSOR } from '../../auto/image-processors.js';
import type { ModelFamily } from '../../auto/registry.js';
import type { PretrainedConfig } from '../../configs/pretrained-config.js';
import { BeitConfig } from './beit-config.js';
import { BeitForImageClassification } from './beit-for-image-classification.js';
import { BeitModel } from './beit-model.js';

function beitConfig(config: PretrainedConfig): BeitConfig {
  if (!(config instanceof BeitConfig)) throw new TypeError(`a BEiT model needs a BeitConfig, got model_type "${config.modelType}"`);
  return config;
}

/** BEiT (model_type "beit", microsoft/beit-*), preprocessed by BeitImageProcessor. */
export const BEIT_FAMILY: ModelFamily = {
  modelType: BeitConfig.modelType,
  configFromDict: (dict) => BeitConfig.fromDict(dict),
  imageProcessor: BEIT_IMAGE_PROCESSOR,
  tasks: {
    model: { className: 'BeitModel', fromRepo: (repo, config, options) => BeitModel.fromRepo(repo, { ...options, config: beitConfig(config) }) },
    'image-classification': {
      className: 'BeitForImageClassification',
      fromRepo: (repo, config, options) => BeitForImageClassification.fromRepo(repo, { ...options, config: beitConfig(config) }),
    },
  },
};
