import { VIT_IMAGE_PROCESSOR } from '../../auto/image-processors.js';
import type { ModelFamily } from '../../auto/registry.js';
import type { PretrainedConfig } from '../../configs/pretrained-config.js';
import { ViTMAEConfig } from './vit-mae-config.js';
import { ViTMAEForPreTraining } from './vit-mae-for-pre-training.js';
import { ViTMAEModel } from './vit-mae-model.js';

function maeConfig(config: PretrainedConfig): ViTMAEConfig {
  if (!(config instanceof ViTMAEConfig)) throw new TypeError(`a ViTMAE model needs a ViTMAEConfig, got model_type "${config.modelType}"`);
  return config;
}

/** ViTMAE (model_type "vit_mae", facebook/vit-mae-*): AutoModel and AutoModelForPreTraining, ViTImageProcessor. */
export const VIT_MAE_FAMILY: ModelFamily = {
  modelType: ViTMAEConfig.modelType,
  configFromDict: (dict) => ViTMAEConfig.fromDict(dict),
  imageProcessor: VIT_IMAGE_PROCESSOR,
  tasks: {
    model: { className: 'ViTMAEModel', fromRepo: (repo, config, options) => ViTMAEModel.fromRepo(repo, { ...options, config: maeConfig(config) }) },
    'pre-training': {
      className: 'ViTMAEForPreTraining',
      fromRepo: (repo, config, options) => ViTMAEForPreTraining.fromRepo(repo, { ...options, config: maeConfig(config) }),
    },
  },
};
