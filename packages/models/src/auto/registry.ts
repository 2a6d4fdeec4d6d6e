import { ConfigError, formatList, formatValue, type ModelRepo } from '@purevit/weights';
import type { JsonObject, PretrainedConfig } from '../configs/pretrained-config.js';
import type { LoadOptions } from '../models/load-options.js';
import type { ImageClassificationModel, ImageFeatureModel, MaskedImageModelingModel, PreTrainingModel } from '../models/model-interfaces.js';
import { BEIT_FAMILY } from '../models/beit/beit-family.js';
import { DEIT_FAMILY } from '../models/deit/deit-family.js';
import { DINOV2_FAMILY, DINOV2_WITH_REGISTERS_FAMILY } from '../models/dinov2/dinov2-family.js';
import { VIT_MAE_FAMILY } from '../models/vit-mae/vit-mae-family.js';
import { VIT_MSN_FAMILY } from '../models/vit-msn/vit-msn-family.js';
import { TIMM_WRAPPER_FAMILY } from '../models/timm/timm-family.js';
import { VIT_FAMILY } from '../models/vit/vit-family.js';
import { BIT_IMAGE_PROCESSOR, VIT_HYBRID_IMAGE_PROCESSOR, type ImageProcessorClass } from './image-processors.js';

/**
 * The model families purevit knows: config.json's model_type → config class, the class of each task and
 * the image processor (transformers' CONFIG / MODEL / IMAGE_PROCESSOR mappings in one table). The Auto
 * classes and AutoImageProcessor read only this table; a family plugs in with one entry here (no
 * side-effect registration). A family whose models do not exist yet still names its image processor, and
 * loading one of its models says so.
 */

export type AutoTask = 'model' | 'image-classification' | 'masked-image-modeling' | 'pre-training';

export interface TaskModels {
  model: ImageFeatureModel;
  'image-classification': ImageClassificationModel;
  'masked-image-modeling': MaskedImageModelingModel;
  'pre-training': PreTrainingModel;
}

/** Options of the Auto classes: the common ones plus family-specific ones (e.g. ViT's addPoolingLayer). */
export interface AutoLoadOptions extends LoadOptions {
  [option: string]: unknown;
}

export interface TaskClass<M> {
  /** transformers class name, e.g. "ViTForImageClassification". */
  className: string;
  fromRepo(repo: ModelRepo, config: PretrainedConfig, options: AutoLoadOptions): Promise<M>;
}

export interface ModelFamily {
  /** config.json model_type. */
  modelType: string;
  configFromDict(dict: JsonObject): PretrainedConfig;
  tasks: { [T in AutoTask]?: TaskClass<TaskModels[T]> };
  /**
   * The image processor transformers uses for this model_type; null where transformers has none
   * (dinov2_with_registers: its repos name the class in preprocessor_config.json).
   */
  imageProcessor: ImageProcessorClass | null;
}

/** A family whose image processor is known but whose models are not implemented yet. */
export interface PendingFamily {
  modelType: string;
  imageProcessor: ImageProcessorClass;
}

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  VIT_FAMILY,
  TIMM_WRAPPER_FAMILY,
  DEIT_FAMILY,
  DINOV2_FAMILY,
  DINOV2_WITH_REGISTERS_FAMILY,
  VIT_MAE_FAMILY,
  VIT_MSN_FAMILY,
  BEIT_FAMILY,
];

/** transformers' model types whose models purevit does not implement yet, with their image processor. */
export const PENDING_FAMILIES: readonly PendingFamily[] = [
  { modelType: 'vit_hybrid', imageProcessor: VIT_HYBRID_IMAGE_PROCESSOR },
  { modelType: 'bit', imageProcessor: BIT_IMAGE_PROCESSOR },
];

/** Families whose configs are recognised but whose models are not implemented yet (model_type → message). */
export const PENDING_MODEL_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  PENDING_FAMILIES.map((f) => [f.modelType, `model_type "${f.modelType}" is not supported yet (its image processor is ${f.imageProcessor.className}); supported: ${supportedList()}`]),
);

/** The image processor of a model_type (families, then pending ones), or null when the type is unknown. */
export function imageProcessorFor(modelType: string): ImageProcessorClass | null {
  return [...MODEL_FAMILIES, ...PENDING_FAMILIES].find((f) => f.modelType === modelType)?.imageProcessor ?? null;
}

/** Every image processor class the registry names, each once. */
export function imageProcessorClasses(): ImageProcessorClass[] {
  return [...new Set([...MODEL_FAMILIES, ...PENDING_FAMILIES].flatMap((f) => (f.imageProcessor ? [f.imageProcessor] : [])))];
}

export const TASK_NAMES: Readonly<Record<AutoTask, string>> = {
  model: 'AutoModel',
  'image-classification': 'AutoModelForImageClassification',
  'masked-image-modeling': 'AutoModelForMaskedImageModeling',
  'pre-training': 'AutoModelForPreTraining',
};

export function supportedList(): string {
  return MODEL_FAMILIES.map((f) => `"${f.modelType}" (${Object.values(f.tasks).map((t) => t.className).join(', ')})`).join('; ');
}

/**
 * The model_type of a config.json: its `model_type`; for timm hub configs (a `pretrained_cfg`, no
 * model_type) "timm_wrapper", as transformers' AutoConfig does; otherwise the
 * family whose class is named in `architectures`.
 */
export function resolveModelType(dict: JsonObject): string {
  const modelType = dict.model_type;
  if (typeof modelType === 'string') return modelType;
  if (modelType != null) throw new ConfigError('invalid_type', `config field model_type must be a string, got ${formatValue(modelType)}`, { field: 'model_type' });
  // transformers' is_timm_config_dict: timm hub configs (architecture, num_classes, pretrained_cfg, …).
  if ('pretrained_cfg' in dict) return 'timm_wrapper';
  const architectures = Array.isArray(dict.architectures) ? dict.architectures.filter((a): a is string => typeof a === 'string') : [];
  for (const arch of architectures) {
    const family = MODEL_FAMILIES.find((f) => Object.values(f.tasks).some((t) => t.className === arch));
    if (family) return family.modelType;
  }
  if (architectures.length > 0) {
    throw new ConfigError(
      'unsupported',
      `unsupported architecture ${formatList(architectures.map((a) => formatValue(a, 40)), 80)} (config.json has no model_type); supported: ${supportedList()}`,
      { field: 'architectures' },
    );
  }
  throw new ConfigError('missing', `config.json has neither model_type nor architectures; supported model types: ${supportedList()}`, { field: 'model_type' });
}

export function familyFor(modelType: string): ModelFamily {
  const family = MODEL_FAMILIES.find((f) => f.modelType === modelType);
  if (family) return family;
  const pending = Object.prototype.hasOwnProperty.call(PENDING_MODEL_TYPES, modelType) ? PENDING_MODEL_TYPES[modelType] : undefined;
  if (pending) throw new ConfigError('unsupported', pending, { field: 'model_type' });
  throw new ConfigError('unsupported', `unsupported model_type ${formatValue(modelType)}; supported: ${supportedList()}`, { field: 'model_type' });
}

export function taskClass<T extends AutoTask>(family: ModelFamily, task: T): TaskClass<TaskModels[T]> {
  const cls = family.tasks[task];
  if (cls) return cls;
  const supporting = MODEL_FAMILIES.filter((f) => f.tasks[task]).map((f) => `"${f.modelType}" (${f.tasks[task]!.className})`);
  throw new Error(`${TASK_NAMES[task]} has no class for model_type "${family.modelType}"; supported: ${supporting.join('; ') || 'none'}`);
}
