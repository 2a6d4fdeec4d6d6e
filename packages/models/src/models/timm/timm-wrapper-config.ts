import { CONFIG_BOUNDS, ConfigError, checkBound, formatValue } from '@purevit/weights';
import {
  PretrainedConfig,
  isJsonObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  type JsonObject,
} from '../../configs/pretrained-config.js';
import { IMAGENET_1K_LABELS } from './imagenet-1k-labels.js';

/** config.json keys TimmWrapperConfig reads (timm's hub config format plus transformers' own). */
const TIMM_WRAPPER_KEYS = [
  'architecture',
  'initializer_range',
  'do_pooling',
  'model_args',
  'pretrained_cfg',
  'num_classes',
  'num_features',
  'global_pool',
  'label_names',
  'label_descriptions',
] as const;

/**
 * Caller overrides of `fromDict`, as the keyword arguments of transformers' `from_pretrained`:
 * passing either one makes the config "custom" (no label names are derived from the file).
 */
export interface TimmWrapperConfigOverrides {
  /** Number of classes of the classifier built (0 = none); takes priority over config.json's num_classes. */
  numLabels?: number;
  /** Class index → name. */
  id2label?: Record<number, string>;
}

/**
 * Class counts whose labels timm's ImageNetInfo knows (infer_imagenet_subset). Only the ImageNet-1k
 * descriptions ship with purevit; the other subsets get LABEL_i names where transformers would give
 * their synset descriptions.
 */
const IMAGENET_SUBSET_LABELS: Readonly<Record<number, readonly string[]>> = { 1000: IMAGENET_1K_LABELS };

/**
 * transformers' TimmWrapperConfig (configuration_timm_wrapper.py at the pinned commit) read from a timm
 * hub config.json (`architecture`, `num_classes`, `num_features`, `global_pool`, `model_args`,
 * `pretrained_cfg`, `label_names`, …) or from one transformers saved (model_type "timm_wrapper").
 *
 * Labels, as `TimmWrapperConfig.from_dict`: `label_names` give id2label (and label2id when the names are
 * unique, else null); without them a 1000-class config takes the ImageNet-1k class descriptions (label2id
 * null: "crane" repeats); other counts get LABEL_i. num_labels = config.json's root num_classes
 * (`pretrained_cfg.num_classes` is ignored).
 */
export class TimmWrapperConfig extends PretrainedConfig {
  static readonly modelType = 'timm_wrapper';

  /** timm entry-point name (`vit_base_patch16_224`, `resnet50`); a `.tag` suffix names pretrained weights. */
  architecture: string;
  initializerRange: number;
  /** TimmWrapperModel computes poolerOutput (timm's forward_head) unless told otherwise per call. */
  doPooling: boolean;
  /** Keyword arguments merged into the architecture's defaults (timm.create_model(architecture, **model_args)). */
  modelArgs: JsonObject | null;
  /** timm's pretrained_cfg (preprocessing data: input_size, mean, std, crop_pct, …), without num_classes. */
  pretrainedCfg: JsonObject | null;
  /** Informative fields of timm's config.json (the model is built from architecture + model_args). */
  numFeatures: number | null;
  globalPool: string | null;
  labelNames: string[] | null;
  labelDescriptions: JsonObject | null;

  protected constructor(dict: JsonObject, overrides: TimmWrapperConfigOverrides) {
    super(dict, TimmWrapperConfig.modelType, TIMM_WRAPPER_KEYS);
    this.architecture = optionalString(dict, 'architecture') ?? 'resnet50';
    this.initializerRange = optionalNumber(dict, 'initializer_range') ?? 0.02;
    this.doPooling = optionalBoolean(dict, 'do_pooling') ?? true;
    this.modelArgs = optionalObject(dict, 'model_args');
    const pretrainedCfg = optionalObject(dict, 'pretrained_cfg');
    if (pretrainedCfg) delete pretrainedCfg.num_classes;
    this.pretrainedCfg = pretrainedCfg;
    this.numFeatures = optionalInteger(dict, 'num_features', 'width') ?? null;
    this.globalPool = optionalString(dict, 'global_pool') ?? null;
    this.labelNames = optionalStringList(dict, 'label_names');
    this.labelDescriptions = optionalObject(dict, 'label_descriptions');
    this.setLabels(optionalInteger(dict, 'num_classes', 'labels'), overrides);
  }

  /** Builds a config from a parsed config.json (snake_case keys); unknown keys are kept in `extra`. */
  static fromDict(dict: JsonObject | Record<string, unknown>, overrides: TimmWrapperConfigOverrides = {}): TimmWrapperConfig {
    if (!isJsonObject(dict)) throw new ConfigError('invalid_json', `TimmWrapperConfig.fromDict expects a JSON object, got ${formatValue(dict)}`);
    const modelType = dict.model_type;
    if (modelType != null && modelType !== TimmWrapperConfig.modelType) {
      throw new ConfigError('inconsistent', `TimmWrapperConfig cannot read a config with model_type ${formatValue(modelType)} (expected "timm_wrapper")`, { field: 'model_type' });
    }
    return new TimmWrapperConfig(dict as JsonObject, overrides);
  }

  /** The entry-point name without a pretrained tag (`vit_base_patch16_224.augreg2_in21k_ft_in1k` → `vit_base_patch16_224`). */
  get architectureName(): string {
    const dot = this.architecture.indexOf('.');
    return dot < 0 ? this.architecture : this.architecture.slice(0, dot);
  }

  /** transformers' from_dict label logic (see the class comment). */
  private setLabels(numClasses: number | undefined, overrides: TimmWrapperConfigOverrides): void {
    const custom = overrides.numLabels !== undefined || overrides.id2label !== undefined;
    if (overrides.numLabels !== undefined) checkBound(overrides.numLabels, 'labels', 'numLabels', 'option');
    // Python's `num_labels_in_kwargs or num_labels_in_dict`: an override of 0 falls back to the file.
    const numLabels = overrides.numLabels || numClasses;
    if (numLabels === undefined) {
      throw new ConfigError('inconsistent', 'config.json has no num_classes: a timm config must say how many classes its classifier has (pass numLabels to override)', { field: 'num_classes' });
    }
    let names = this.labelNames;
    if (names === null && !custom && numClasses !== undefined) names = (IMAGENET_SUBSET_LABELS[numClasses] as string[] | undefined) ?? null;
    if (names !== null && !custom) {
      if (names.length !== numLabels) {
        throw new ConfigError('inconsistent', `num_classes ${numLabels} does not match the ${names.length} label names; those arguments contradict each other`, { field: 'label_names' });
      }
      this.id2label = Object.fromEntries(names.map((name, i) => [i, name]));
      this.label2id = new Set(names).size === names.length ? Object.fromEntries(names.map((name, i) => [name, i])) : null;
      return;
    }
    if (overrides.id2label !== undefined) {
      const entries = Object.entries(overrides.id2label);
      if (entries.length !== numLabels) throw new ConfigError('inconsistent', `numLabels ${numLabels} does not match an id2label of ${entries.length} entries`, { field: 'id2label' });
      this.id2label = Object.fromEntries(entries.map(([i, name]) => [Number(i), name]));
      const values = entries.map(([, name]) => name);
      this.label2id = new Set(values).size === values.length ? Object.fromEntries(entries.map(([i, name]) => [name, Number(i)])) : null;
      return;
    }
    this.numLabels = numLabels;
  }

  /** The config as transformers' TimmWrapperConfig.to_dict writes it (label_names instead of id2label). */
  toDict(): JsonObject {
    const out: JsonObject = {
      ...this.extra,
      model_type: this.modelType,
      architecture: this.architecture,
      initializer_range: this.initializerRange,
      do_pooling: this.doPooling,
      model_args: this.modelArgs,
      num_classes: this.numLabels,
      label_names: Object.keys(this.id2label).map((i) => this.id2label[Number(i)]),
      problem_type: this.problemType,
    };
    if (this.pretrainedCfg) out.pretrained_cfg = this.pretrainedCfg;
    if (this.numFeatures !== null) out.num_features = this.numFeatures;
    if (this.globalPool !== null) out.global_pool = this.globalPool;
    if (this.labelDescriptions) out.label_descriptions = this.labelDescriptions;
    if (this.architectures) out.architectures = this.architectures;
    return out;
  }
}

/** A copy of an object field (the whole dict's nesting was bounded by PretrainedConfig first). */
function optionalObject(dict: JsonObject, key: string): JsonObject | null {
  const v = dict[key];
  if (v == null) return null;
  if (!isJsonObject(v)) throw new ConfigError('invalid_type', `config field ${key} must be an object, got ${formatValue(v)}`, { field: key });
  return structuredClone(v);
}

function optionalStringList(dict: JsonObject, key: string): string[] | null {
  const v = dict[key];
  if (v == null) return null;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new ConfigError('invalid_type', `config field ${key} must be a list of strings, got ${formatValue(v)}`, { field: key });
  }
  if (v.length > CONFIG_BOUNDS.labels.max) {
    throw new ConfigError('out_of_range', `config field ${key} has ${v.length} entries, over the limit of ${CONFIG_BOUNDS.labels.max}`, { field: key });
  }
  return [...(v as string[])];
}
