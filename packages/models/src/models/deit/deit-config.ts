import { activationField } from '../../configs/activation-field.js';
import { optionalBoolean, optionalInteger, type JsonObject } from '../../configs/pretrained-config.js';
import { VisionEncoderConfig, checkConfigDict } from '../../configs/vision-encoder-config.js';

const DEIT_KEYS = ['intermediate_size', 'qkv_bias', 'encoder_stride', 'pooler_output_size', 'pooler_act'] as const;

/**
 * transformers' DeiTConfig (configuration_deit.py at the golden's pinned commit): ViT's fields and
 * defaults (layer_norm_eps 1e-12, patch 16); the distillation token is part of every DeiT model.
 */
export class DeiTConfig extends VisionEncoderConfig {
  static readonly modelType = 'deit';

  intermediateSize: number;
  qkvBias: boolean;
  /** Upsampling factor of the SimMIM decoder (DeiTForMaskedImageModeling). */
  encoderStride: number;
  /** Output width of the pooler's dense layer (transformers: falsy → hidden_size). */
  poolerOutputSize: number;
  poolerAct: string;

  protected constructor(dict: JsonObject) {
    super(dict, DeiTConfig.modelType, DEIT_KEYS, { layerNormEps: 1e-12, patchSize: 16 });
    this.intermediateSize = optionalInteger(dict, 'intermediate_size', 'width') ?? 3072;
    this.qkvBias = optionalBoolean(dict, 'qkv_bias') ?? true;
    this.encoderStride = optionalInteger(dict, 'encoder_stride', 'smallInteger') ?? 16;
    // transformers: `pooler_output_size if pooler_output_size else hidden_size` (0 also falls back).
    this.poolerOutputSize = (dict.pooler_output_size === 0 ? undefined : optionalInteger(dict, 'pooler_output_size', 'width')) || this.hiddenSize;
    this.poolerAct = activationField(dict, 'pooler_act', 'tanh');
  }

  /** Builds a config from a parsed config.json (snake_case keys); unknown keys are kept in `extra`. */
  static fromDict(dict: JsonObject | Record<string, unknown>): DeiTConfig {
    return new DeiTConfig(checkConfigDict(dict, 'DeiTConfig', DeiTConfig.modelType));
  }

  protected familyDict(): JsonObject {
    return {
      intermediate_size: this.intermediateSize,
      qkv_bias: this.qkvBias,
      encoder_stride: this.encoderStride,
      pooler_output_size: this.poolerOutputSize,
      pooler_act: this.poolerAct,
    };
  }
}
