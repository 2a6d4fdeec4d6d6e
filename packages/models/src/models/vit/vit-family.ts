import type { PretrainedConfig } from '../../configs/pretrained-config.js';
import { VIT_IMAGE_PROCESSOR } from '../../auto/image-processors.js';
import type { ModelFamily } from '../../auto/registry.js';
import { ViTConfig } from './vit-config.js';
import { ViTForImageClassification } from './vit-for-image-classification.js';
import { ViTForMaskedImageModeling } from './vit-for-masked-image-modeling.js';
import { ViTModel } from './vit-model.js';

function vitConfig(config: PretrainedConfig): ViTConfig {
  if (!(config instanceof ViTConfig)) throw new TypeError(`a ViT model needs a ViTConfig, got model_type "${config.modelType}"`);
  return config;
}

/** The HF ViT family (model_type "vit"; DeiT non-distilled and DINO checkpoints use it too). */
export const VIT_FAMILY: ModelFamily = {
  modelType: ViTConfig.modelType,
  configFromDict: (dict) => ViTConfig.fromDict(dict),
  imageProcessor: VIT_IMAGE_PROCESSOR,
  tasks: {
    model: { className: 'ViTModel', fromRepo: (repo, config, options) => ViTModel.fromRepo(repo, { ...options, config: vitConfig(config) }) },
    'image-classification': {
      className: 'ViTForImageClassification',
      fromRepo: (repo, config, options) => ViTForImageClassification.fromRepo(repo, { ...options, config: vitConfig(config) }),
    },
    'masked-image-modeling': {
      className: 'ViTForMaskedImageModeling',
      fromRepo: (repo, config, options) => ViTForMaskedImageModeling.fromRepo(repo, { ...options, config: vitConfig(config) }),
    },
  },
};
