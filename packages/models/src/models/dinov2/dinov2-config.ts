import { BACKBONE_KEYS, readBackboneStages } from '../../configs/backbone-stages.js';
import { optionalBoolean, optionalNumber, type JsonObject } from '../../configs/pretrained-config.js';
import { VisionEncoderConfig, checkConfigDict, type EncoderDefaults } from '../../configs/vision-encoder-config.js';

const DINOV2_KEYS = [
  'mlp_ratio',
  'qkv_bias',
  'layerscale_value',
  'drop_path_rate',
  'use_swiglu_ffn',
  'apply_layernorm',
  'reshape_hidden_states',
  ...BACKBONE_KEYS,
] as const;

/**
 * transformers' Dinov2Config (configuration_dinov2.py at the golden's pinned commit): layer_norm_eps
 * 1e-6, patch 14, an MLP of int(hidden · mlp_ratio) or SwiGLU, LayerScale initialised to
 * layerscale_value (checkpoints carry the trained lambda1), a mask token when use_mask_token.
 * drop_path_rate acts in training only; out_features / out_indices / apply_layernorm /
 * reshape_hidden_states configure Dinov2Backbone.
 */
export class Dinov2Config extends VisionEncoderConfig {
  static readonly modelType: string = 'dinov2';

  /** Width of the MLP relative to hidden_size (may be fractional). */
  mlpRatio: number;
  qkvBias: boolean;
  layerscaleValue: number;
  dropPathRate: number;
  useSwigluFfn: boolean;
  applyLayernorm: boolean;
  reshapeHiddenStates: boolean;
  stageNames: string[];
  outFeatures: string[];
  outIndices: number[];
  useMaskToken: boolean;

  protected constructor(dict: JsonObject, modelType = Dinov2Config.modelType, consumed: readonly string[] = ['use_mask_token'], defaults: EncoderDefaults = { layerNormEps: 1e-6, patchSize: 14 }) {
    super(dict, modelType, [...DINOV2_KEYS, ...consumed], defaults);
    this.mlpRatio = optionalNumber(dict, 'mlp_ratio', 'ratio') ?? 4;
    this.qkvBias = optionalBoolean(dict, 'qkv_bias') ?? true;
    this.layerscaleValue = optionalNumber(dict, 'layerscale_value') ?? 1.0;
    this.dropPathRate = optionalNumber(dict, 'drop_path_rate') ?? 0.0;
    this.useSwigluFfn = optionalBoolean(dict, 'use_swiglu_ffn') ?? false;
    this.applyLayernorm = optionalBoolean(dict, 'apply_layernorm') ?? true;
    this.reshapeHiddenStates = optionalBoolean(dict, 'reshape_hidden_states') ?? true;
    const stages = readBackboneStages(dict, this.numHiddenLayers);
    this.stageNames = stages.stageNames;
    this.outFeatures = stages.outFeatures;
    this.outIndices = stages.outIndices;
    this.useMaskToken = consumed.includes('use_mask_token') ? (optionalBoolean(dict, 'use_mask_token') ?? true) : true;
  }

  /** Builds a config from a parsed config.json (snake_case keys); unknown keys are kept in `extra`. */
  static fromDict(dict: JsonObject | Record<string, unknown>): Dinov2Config {
    return new Dinov2Config(checkConfigDict(dict, 'Dinov2Config', Dinov2Config.modelType));
  }

  /** Dinov2MLP's hidden width: int(hidden_size · mlp_ratio). */
  get mlpHiddenSize(): number {
    return Math.trunc(this.hiddenSize * this.mlpRatio);
  }

  /** Dinov2SwiGLUFFN's hidden width: (int(int(hidden · mlp_ratio) · 2 / 3) + 7) // 8 · 8 (weights_in has twice that). */
  get swigluHiddenSize(): number {
    return Math.floor((Math.trunc((this.mlpHiddenSize * 2) / 3) + 7) / 8) * 8;
  }

  protected familyDict(): JsonObject {
    return {
      mlp_ratio: this.mlpRatio,
      qkv_bias: this.qkvBias,
      layerscale_value: this.layerscaleValue,
      drop_path_rate: this.dropPathRate,
      use_swiglu_ffn: this.useSwigluFfn,
      apply_layernorm: this.applyLayernorm,
      reshape_hidden_states: this.reshapeHiddenStates,
      stage_names: this.stageNames,
      out_features: this.outFeatures,
      out_indices: this.outIndices,
      ...(this.modelType === Dinov2Config.modelType ? { use_mask_token: this.useMaskToken } : {}),
    };
  }
}
