import { optionalBoolean, optionalInteger, type JsonObject } from '../../configs/pretrained-config.js';
import { VisionEncoderConfig, checkConfigDict } from '../../configs/vision-encoder-config.js';

const VIT_MSN_KEYS = ['intermediate_size', 'qkv_bias'] as const;

/** transformers' ViTMSNConfig (configuration_vit_msn.py at the golden's pinned commit): ViT's encoder fields, layer_norm_eps 1e-6. */
export class ViTMSNConfig extends VisionEncoderConfig {
  static readonly modelType = 'vit_msn';

  intermediateSize: number;
  qkvBias: boolean;

  protected constructor(dict: JsonObject) {
    super(dict, ViTMSNConfig.modelType, VIT_MSN_KEYS, { layerNormEps: 1e-6, patchSize: 16 });
    this.intermediateSize = optionalInteger(dict, 'intermediate_size', 'width') ?? 3072;
    this.qkvBias = optionalBoolean(dict, 'qkv_bias') ?? true;
  }

  static fromDict(dict: JsonObject | Record<string, unknown>): ViTMSNConfig {
    return new ViTMSNConfig(checkConfigDict(dict, 'ViTMSNConfig', ViTMSNConfig.modelType));
  }

  protected familyDict(): JsonObject {
    return { intermediate_size: this.intermediateSize, qkv_bias: this.qkvBias };
  }
}
