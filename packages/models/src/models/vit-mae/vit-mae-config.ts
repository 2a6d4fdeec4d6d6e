import { optionalBoolean, optionalInteger, optionalNumber, type JsonObject } from '../../configs/pretrained-config.js';
import { ConfigError, formatValue } from '@purevit/weights';
import { VisionEncoderConfig, checkConfigDict, checkDivisible } from '../../configs/vision-encoder-config.js';

const VIT_MAE_KEYS = [
  'intermediate_size',
  'qkv_bias',
  'decoder_num_attention_heads',
  'decoder_hidden_size',
  'decoder_num_hidden_layers',
  'decoder_intermediate_size',
  'mask_ratio',
  'norm_pix_loss',
] as const;

/**
 * transformers' ViTMAEConfig (configuration_vit_mae.py at the golden's pinned commit): ViT's encoder
 * fields (layer_norm_eps 1e-12, patch 16), the decoder's sizes (512 wide, 8 layers, 16 heads, 2048),
 * mask_ratio (0.75: the share of patches removed) and norm_pix_loss.
 */
export class ViTMAEConfig extends VisionEncoderConfig {
  static readonly modelType = 'vit_mae';

  intermediateSize: number;
  qkvBias: boolean;
  decoderNumAttentionHeads: number;
  decoderHiddenSize: number;
  decoderNumHiddenLayers: number;
  decoderIntermediateSize: number;
  maskRatio: number;
  normPixLoss: boolean;

  protected constructor(dict: JsonObject) {
    super(dict, ViTMAEConfig.modelType, VIT_MAE_KEYS, { layerNormEps: 1e-12, patchSize: 16 });
    this.intermediateSize = optionalInteger(dict, 'intermediate_size', 'width') ?? 3072;
    this.qkvBias = optionalBoolean(dict, 'qkv_bias') ?? true;
    this.decoderNumAttentionHeads = optionalInteger(dict, 'decoder_num_attention_heads', 'heads') ?? 16;
    this.decoderHiddenSize = optionalInteger(dict, 'decoder_hidden_size', 'width') ?? 512;
    this.decoderNumHiddenLayers = optionalInteger(dict, 'decoder_num_hidden_layers', 'layers') ?? 8;
    this.decoderIntermediateSize = optionalInteger(dict, 'decoder_intermediate_size', 'width') ?? 2048;
    this.maskRatio = optionalNumber(dict, 'mask_ratio') ?? 0.75;
    this.normPixLoss = optionalBoolean(dict, 'norm_pix_loss') ?? false;
    if (!(this.maskRatio >= 0 && this.maskRatio <= 1)) {
      throw new ConfigError('out_of_range', `config field mask_ratio must be in [0, 1] (the share of patches removed), got ${formatValue(this.maskRatio)}`, { field: 'mask_ratio' });
    }
    checkDivisible(this.decoderHiddenSize, this.decoderNumAttentionHeads, 'The decoder hidden size', 'decoder_num_attention_heads');
  }

  static fromDict(dict: JsonObject | Record<string, unknown>): ViTMAEConfig {
    return new ViTMAEConfig(checkConfigDict(dict, 'ViTMAEConfig', ViTMAEConfig.modelType));
  }

  /** Patches the encoder keeps of `numPatches`: int(L · (1 − mask_ratio)), as random_masking computes it. */
  keptPatches(numPatches: number): number {
    return Math.trunc(numPatches * (1 - this.maskRatio));
  }

  protected familyDict(): JsonObject {
    return {
      intermediate_size: this.intermediateSize,
      qkv_bias: this.qkvBias,
      decoder_num_attention_heads: this.decoderNumAttentionHeads,
      decoder_hidden_size: this.decoderHiddenSize,
      decoder_num_hidden_layers: this.decoderNumHiddenLayers,
      decoder_intermediate_size: this.decoderIntermediateSize,
      mask_ratio: this.maskRatio,
      norm_pix_loss: this.normPixLoss,
    };
  }
}
