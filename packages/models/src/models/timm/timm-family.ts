import { ConfigError, formatValue } from '@purevit/weights';
import { TIMM_WRAPPER_IMAGE_PROCESSOR } from '../../auto/image-processors.js';
import type { AutoLoadOptions, ModelFamily } from '../../auto/registry.js';
import type { PretrainedConfig } from '../../configs/pretrained-config.js';
import { TimmWrapperConfig, type TimmWrapperConfigOverrides } from './timm-wrapper-config.js';
import { TimmWrapperForImageClassification } from './timm-wrapper-for-image-classification.js';
import { TimmWrapperModel } from './timm-wrapper-model.js';

function timmConfig(config: PretrainedConfig): TimmWrapperConfig {
  if (!(config instanceof TimmWrapperConfig)) throw new TypeError(`a TimmWrapper model needs a TimmWrapperConfig, got model_type "${config.modelType}"`);
  return config;
}

/**
 * The Auto classes build the config before the model; caller label overrides (numLabels / id2label,
 * as transformers' from_pretrained kwargs) change how config.json is read, so the loader re-reads it.
 */
function loadOptions(options: AutoLoadOptions, config: PretrainedConfig): AutoLoadOptions & { config?: TimmWrapperConfig } & TimmWrapperConfigOverrides {
  const { numLabels, id2label } = options;
  if (numLabels !== undefined && !(typeof numLabels === 'number' && Number.isInteger(numLabels) && numLabels >= 0)) {
    throw new ConfigError('invalid_type', `numLabels must be a non-negative integer, got ${formatValue(numLabels)}`, { field: 'numLabels' });
  }
  if (id2label !== undefined && (typeof id2label !== 'object' || id2label === null || Array.isArray(id2label))) {
    throw new ConfigError('invalid_type', 'id2label must be a mapping of class index to name', { field: 'id2label' });
  }
  if (numLabels === undefined && id2label === undefined) return { ...options, config: timmConfig(config) };
  return { ...options, config: undefined, numLabels, id2label: id2label as Record<number, string> | undefined };
}

/**
 * The timm wrapper (model_type "timm_wrapper"; timm hub config.json files with a pretrained_cfg and no
 * model_type route here too): timm's VisionTransformer and ResNet families.
 */
export const TIMM_WRAPPER_FAMILY: ModelFamily = {
  modelType: TimmWrapperConfig.modelType,
  configFromDict: (dict) => TimmWrapperConfig.fromDict(dict),
  imageProcessor: TIMM_WRAPPER_IMAGE_PROCESSOR,
  tasks: {
    model: { className: 'TimmWrapperModel', fromRepo: (repo, config, options) => TimmWrapperModel.fromRepo(repo, loadOptions(options, config)) },
    'image-classification': {
      className: 'TimmWrapperForImageClassification',
      fromRepo: (repo, config, options) => TimmWrapperForImageClassification.fromRepo(repo, loadOptions(options, config)),
    },
  },
};
