import { ConfigError, checkBound, formatValue } from '@purevit/weights';
import { activationField as activation } from '../../configs/activation-field.js';
import {
  PretrainedConfig,
  isJsonObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  type JsonObject,
} from '../../configs/pretrained-config.js';
import { parseSize2, toPair, type Size2 } from '../../configs/size2.js';

export type { Size2 } from '../../configs/size2.js';
export { toPair } from '../../configs/size2.js';

/** config.json keys ViTConfig reads (snake_case, as transformers writes them). */
const VIT_KEYS = [
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'hidden_act',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'initializer_range',
  'layer_norm_eps',
  'image_size',
  'patch_size',
  'num_channels',
  'qkv_bias',
  'encoder_stride',
  'pooler_output_size',
  'pooler_act',
] as const;

/**
 * transformers' ViTConfig (configuration_vit.py at the pinned commit) with camelCase fields. Every
 * field missing from config.json takes transformers' default, so `ViTConfig.fromDict({})` is
 * google/vit-base-patch16-224's architecture.
 */
export class ViTConfig extends PretrainedConfig {
  static readonly modelType = 'vit';

  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  /** transformers ACT2FN name; "gelu" is the exact (erf) GELU. */
  hiddenAct: string;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  initializerRange: number;
  layerNormEps: number;
  imageSize: Size2;
  patchSize: Size2;
  numChannels: number;
  qkvBias: boolean;
  /** Upsampling factor of the SimMIM decoder (pixel shuffle). */
  encoderStride: number;
  /** Output width of the pooler's dense layer (transformers: None → hidden_size). */
  poolerOutputSize: number;
  poolerAct: string;

  protected constructor(dict: JsonObject) {
    super(dict, ViTConfig.modelType, VIT_KEYS);
    this.hiddenSize = optionalInteger(dict, 'hidden_size', 'width') ?? 768;
    this.numHiddenLayers = optionalInteger(dict, 'num_hidden_layers', 'layers') ?? 12;
    this.numAttentionHeads = optionalInteger(dict, 'num_attention_heads', 'heads') ?? 12;
    this.intermediateSize = optionalInteger(dict, 'intermediate_size', 'width') ?? 3072;
    this.hiddenAct = activation(dict, 'hidden_act', 'gelu');
    this.hiddenDropoutProb = optionalNumber(dict, 'hidden_dropout_prob') ?? 0.0;
    this.attentionProbsDropoutProb = optionalNumber(dict, 'attention_probs_dropout_prob') ?? 0.0;
    this.initializerRange = optionalNumber(dict, 'initializer_range') ?? 0.02;
    // A zero, negative or NaN eps makes every LayerNorm output NaN (or Inf) for some input.
    this.layerNormEps = optionalNumber(dict, 'layer_norm_eps', 'eps') ?? 1e-12;
    this.imageSize = parseSize2(dict, 'image_size', 'imageSide') ?? 224;
    this.patchSize = parseSize2(dict, 'patch_size', 'patchSide') ?? 16;
    this.numChannels = optionalInteger(dict, 'num_channels', 'channels') ?? 3;
    this.qkvBias = optionalBoolean(dict, 'qkv_bias') ?? true;
    this.encoderStride = optionalInteger(dict, 'encoder_stride', 'smallInteger') ?? 16;
    // transformers: `pooler_output_size if pooler_output_size else hidden_size` (0 also falls back).
    this.poolerOutputSize = (dict.pooler_output_size === 0 ? undefined : optionalInteger(dict, 'pooler_output_size', 'width')) || this.hiddenSize;
    this.poolerAct = activation(dict, 'pooler_act', 'tanh');
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new ConfigError(
        'inconsistent',
        `The hidden size ${this.hiddenSize} is not a multiple of the number of attention heads ${this.numAttentionHeads}`,
        { field: 'num_attention_heads' },
      );
    }
    const [h, w] = this.imageSize2;
    const [ph, pw] = this.patchSize2;
    if (ph > h || pw > w) {
      throw new ConfigError('inconsistent', `config field patch_size ${formatValue(this.patchSize)} is larger than image_size ${formatValue(this.imageSize)}`, { field: 'patch_size' });
    }
    checkBound(this.numPatches, 'patches', 'image_size / patch_size', 'patches per image from');
  }

  /** Builds a config from a parsed config.json (snake_case keys); unknown keys are kept in `extra`. */
  static fromDict(dict: JsonObject | Record<string, unknown>): ViTConfig {
    if (!isJsonObject(dict)) throw new ConfigError('invalid_json', `ViTConfig.fromDict expects a JSON object, got ${formatValue(dict)}`);
    const modelType = dict.model_type;
    if (modelType != null && modelType !== ViTConfig.modelType) {
      throw new ConfigError('inconsistent', `ViTConfig cannot read a config with model_type ${formatValue(modelType)} (expected "vit")`, { field: 'model_type' });
    }
    return new ViTConfig(dict as JsonObject);
  }

  get headDim(): number {
    return this.hiddenSize / this.numAttentionHeads;
  }

  /** [height, width] of the training resolution. */
  get imageSize2(): [number, number] {
    return toPair(this.imageSize);
  }

  /** [height, width] of a patch. */
  get patchSize2(): [number, number] {
    return toPair(this.patchSize);
  }

  /** Patches at the training resolution: (H // ph) · (W // pw), as ViTPatchEmbeddings counts them. */
  get numPatches(): number {
    const [h, w] = this.imageSize2;
    const [ph, pw] = this.patchSize2;
    return Math.floor(h / ph) * Math.floor(w / pw);
  }

  /** The config as transformers would write it (snake_case), unknown fields included. */
  toDict(): JsonObject {
    const out: JsonObject = {
      ...this.extra,
      model_type: this.modelType,
      hidden_size: this.hiddenSize,
      num_hidden_layers: this.numHiddenLayers,
      num_attention_heads: this.numAttentionHeads,
      intermediate_size: this.intermediateSize,
      hidden_act: this.hiddenAct,
      hidden_dropout_prob: this.hiddenDropoutProb,
      attention_probs_dropout_prob: this.attentionProbsDropoutProb,
      initializer_range: this.initializerRange,
      layer_norm_eps: this.layerNormEps,
      image_size: this.imageSize,
      patch_size: this.patchSize,
      num_channels: this.numChannels,
      qkv_bias: this.qkvBias,
      encoder_stride: this.encoderStride,
      pooler_output_size: this.poolerOutputSize,
      pooler_act: this.poolerAct,
      id2label: Object.fromEntries(Object.entries(this.id2label)),
      label2id: this.label2id,
      problem_type: this.problemType,
    };
    if (this.architectures) out.architectures = this.architectures;
    return out;
  }
}
