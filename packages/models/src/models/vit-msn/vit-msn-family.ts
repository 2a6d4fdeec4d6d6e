import { VIT_IMAGE_PROCESSOR } from '../../auto/image-processors.js';
import type { ModelFamily } from '../../auto/registry.js';
import type { PretrainedConfig } from '../../configs/pretrained-config.js';
import { ViTMSNConfig } from './vit-msn-config.js';
import { ViTMSNForImageClassification } from './vit-msn-for-image-classification.js';
import { ViTMSNModel } from './vit-msn-model.js';

function msnConfig(config: PretrainedConfig): ViTMSNConfig {
  if (!(config instanceof ViTMSNConfig)) throw new TypeError(`a ViTMSN model needs a ViTMSNConfig, got model_type "${config.modelType}"`);
  return config;
}

/** ViTMSN (model_type "vit_msn", facebook/vit-msn-*), ViTImageProcessor. */
export const VIT_MSN_FAMILY: ModelFamily = {
  modelType: ViTMSNConfig.modelType,
  configFromDict: (dict) => ViTMSNConfig.fromDict(dict),
  imageProcessor: VIT_IMAGE_PROCESSOR,
  tasks: {
    model: { className: 'ViTMSNModel', fromRepo: (repo, config, options) => ViTMSNModel.fromRepo(repo, { ...options, config: msnConfig(config) }) },
    'image-classification': {
      className: 'ViTMSNForImageClassification',
      fromRepo: (repo, config, options) => ViTMSNForImageClassification.fromRepo(repo, { ...options, config: msnConfig(config) }),
    },
  },
};
