import { DEIT_IMAGE_PROCESSOR } from '../../auto/image-processors.js';
import type { ModelFamily } from '../../auto/registry.js';
import type { PretrainedConfig } from '../../configs/pretrained-config.js';
import { DeiTConfig } from './deit-config.js';
import { DeiTForImageClassification } from './deit-for-image-classification.js';
import { DeiTForImageClassificationWithTeacher } from './deit-for-image-classification-with-teacher.js';
import { DeiTModel } from './deit-model.js';

function deitConfig(config: PretrainedConfig): DeiTConfig {
  if (!(config instanceof DeiTConfig)) throw new TypeError(`a DeiT model needs a DeiTConfig, got model_type "${config.modelType}"`);
  return config;
}

/**
 * DeiT (model_type "deit": the distilled facebook/deit-*-distilled-* checkpoints; the non-distilled ones are
 * model_type "vit"). AutoModelForImageClassification maps "deit" to two classes, as transformers does: the
 * one config.json's `architectures` names, else DeiTForImageClassification.
 */
export const DEIT_FAMILY: ModelFamily = {
  modelType: DeiTConfig.modelType,
  configFromDict: (dict) => DeiTConfig.fromDict(dict),
  imageProcessor: DEIT_IMAGE_PROCESSOR,
  tasks: {
    model: { className: 'DeiTModel', fromRepo: (repo, config, options) => DeiTModel.fromRepo(repo, { ...options, config: deitConfig(config) }) },
    'image-classification': {
      className: 'DeiTForImageClassification',
      fromRepo: (repo, config, options) => {
        const deit = deitConfig(config);
        return deit.architectures?.includes('DeiTForImageClassificationWithTeacher')
          ? DeiTForImageClassificationWithTeacher.fromRepo(repo, { ...options, config: deit })
          : DeiTForImageClassification.fromRepo(repo, { ...options, config: deit });
      },
    },
  },
};
