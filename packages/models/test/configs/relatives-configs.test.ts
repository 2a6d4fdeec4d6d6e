import { describe, expect, it } from 'vitest';
import { BeitConfig, DeiTConfig, Dinov2Config, Dinov2WithRegistersConfig, ViTMAEConfig, ViTMSNConfig, readBackboneStages } from '@purevit/models';

/** transformers' ViT-style encoder defaults (the `__init__` signatures of the six configuration files at the pinned commit). */
const ENCODER_DEFAULTS = {
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  hiddenAct: 'gelu',
  hiddenDropoutProb: 0,
  attentionProbsDropoutProb: 0,
  initializerRange: 0.02,
  imageSize: 224,
  numChannels: 3,
};

describe("the relatives' configs take transformers' defaults for every missing field", () => {
  it('DeiTConfig', () => {
    expect(DeiTConfig.fromDict({})).toMatchObject({
      ...ENCODER_DEFAULTS, modelType: 'deit', layerNormEps: 1e-12, patchSize: 16, intermediateSize: 3072, qkvBias: true,
      encoderStride: 16, poolerOutputSize: 768, poolerAct: 'tanh',
    });
  });

  it('Dinov2Config', () => {
    const c = Dinov2Config.fromDict({});
    expect(c).toMatchObject({
      ...ENCODER_DEFAULTS, modelType: 'dinov2', layerNormEps: 1e-6, patchSize: 14, mlpRatio: 4, qkvBias: true, layerscaleValue: 1,
      dropPathRate: 0, useSwigluFfn: false, applyLayernorm: true, reshapeHiddenStates: true, useMaskToken: true,
      outFeatures: ['stage12'], outIndices: [12],
    });
    expect(c.stageNames).toHaveLength(13);
    expect(c.numPatches).toBe(256);
    expect(c.mlpHiddenSize).toBe(3072);
  });

  it('Dinov2WithRegistersConfig: patch 16, 4 registers, always a mask token', () => {
    const c = Dinov2WithRegistersConfig.fromDict({ use_mask_token: false });
    expect(c).toMatchObject({ ...ENCODER_DEFAULTS, modelType: 'dinov2_with_registers', layerNormEps: 1e-6, patchSize: 16, numRegisterTokens: 4, useMaskToken: true });
    expect(c.extra).toEqual({ use_mask_token: false });
    expect(c).toBeInstanceOf(Dinov2Config);
  });

  it('BeitConfig', () => {
    expect(BeitConfig.fromDict({})).toMatchObject({
      ...ENCODER_DEFAULTS, modelType: 'beit', layerNormEps: 1e-12, patchSize: 16, vocabSize: 8192, intermediateSize: 3072,
      useMaskToken: false, useAbsolutePositionEmbeddings: false, useRelativePositionBias: false, useSharedRelativePositionBias: false,
      layerScaleInitValue: 0.1, dropPathRate: 0.1, useMeanPooling: true, poolScales: [1, 2, 3, 6], useAuxiliaryHead: true,
      auxiliaryLossWeight: 0.4, auxiliaryChannels: 256, auxiliaryNumConvs: 1, auxiliaryConcatInput: false, semanticLossIgnoreIndex: 255,
      addFpn: false, reshapeHiddenStates: true, outIndices: [12],
    });
  });

  it('ViTMAEConfig', () => {
    const c = ViTMAEConfig.fromDict({});
    expect(c).toMatchObject({
      ...ENCODER_DEFAULTS, modelType: 'vit_mae', layerNormEps: 1e-12, patchSize: 16, intermediateSize: 3072, qkvBias: true,
      decoderNumAttentionHeads: 16, decoderHiddenSize: 512, decoderNumHiddenLayers: 8, decoderIntermediateSize: 2048, maskRatio: 0.75, normPixLoss: false,
    });
    expect(c.keptPatches(196)).toBe(49);
    expect(ViTMAEConfig.fromDict({ mask_ratio: 0.5 }).keptPatches(35)).toBe(17);
  });

  it('ViTMSNConfig', () => {
    expect(ViTMSNConfig.fromDict({})).toMatchObject({ ...ENCODER_DEFAULTS, modelType: 'vit_msn', layerNormEps: 1e-6, patchSize: 16, intermediateSize: 3072, qkvBias: true });
  });
});

describe('relatives config fields', () => {
  it("DINOv2's SwiGLU width: (int(int(hidden · mlp_ratio) · 2 / 3) + 7) // 8 · 8", () => {
    expect(Dinov2Config.fromDict({ hidden_size: 64, num_attention_heads: 4, mlp_ratio: 4 }).swigluHiddenSize).toBe(176);
    // dinov2-giant: hidden 1536, mlp_ratio 4 → 4096.
    expect(Dinov2Config.fromDict({ hidden_size: 1536, num_attention_heads: 24, mlp_ratio: 4 }).swigluHiddenSize).toBe(4096);
    expect(Dinov2Config.fromDict({ hidden_size: 48, num_attention_heads: 3, mlp_ratio: 2.5 }).mlpHiddenSize).toBe(120);
  });

  it("backbone stages: one of out_features / out_indices gives the other, BEiT's legacy segmentation_indices is out_indices", () => {
    expect(readBackboneStages({ out_features: ['stage1', 'stage3'] }, 3)).toEqual({ stageNames: ['stem', 'stage1', 'stage2', 'stage3'], outFeatures: ['stage1', 'stage3'], outIndices: [1, 3] });
    expect(readBackboneStages({ out_indices: [-1] }, 3).outFeatures).toEqual(['stage3']);
    expect(() => readBackboneStages({ out_features: ['stage3', 'stage1'] }, 3)).toThrow(/same order as stage_names/);
    expect(() => readBackboneStages({ out_features: ['stage1'], out_indices: [2] }, 3)).toThrow(/correspond to the same stages/);
    expect(BeitConfig.fromDict({ num_hidden_layers: 4, segmentation_indices: [1, 3] }).outFeatures).toEqual(['stage1', 'stage3']);
  });

  it('round-trips through toDict, keeping unknown fields', () => {
    const dict = { model_type: 'beit', hidden_size: 48, num_attention_heads: 3, use_shared_relative_position_bias: true, future_field: [1] };
    const c = BeitConfig.fromDict(dict);
    expect(c.extra).toEqual({ future_field: [1] });
    expect(BeitConfig.fromDict(c.toDict()).toDict()).toEqual(c.toDict());
    const mae = ViTMAEConfig.fromDict({ mask_ratio: 0.5, norm_pix_loss: true });
    expect(ViTMAEConfig.fromDict(mae.toDict()).toDict()).toEqual(mae.toDict());
    const reg = Dinov2WithRegistersConfig.fromDict({ num_register_tokens: 2 });
    expect(Dinov2WithRegistersConfig.fromDict(reg.toDict()).toDict()).toEqual(reg.toDict());
    expect(reg.toDict()).toMatchObject({ model_type: 'dinov2_with_registers', num_register_tokens: 2, patch_size: 16 });
  });

  it('refuses wrong model types and inconsistent sizes with errors naming the field', () => {
    expect(() => DeiTConfig.fromDict({ model_type: 'vit' })).toThrow(/DeiTConfig cannot read a config with model_type "vit"/);
    expect(() => Dinov2Config.fromDict({ model_type: 'dinov2_with_registers' })).toThrow(/expected "dinov2"/);
    expect(() => ViTMSNConfig.fromDict({ hidden_size: 50, num_attention_heads: 3 })).toThrow(/not a multiple of the number of attention heads/);
    expect(() => ViTMAEConfig.fromDict({ decoder_hidden_size: 30, decoder_num_attention_heads: 4 })).toThrow(/decoder hidden size 30/);
    expect(() => ViTMAEConfig.fromDict({ mask_ratio: 1.5 })).toThrow(/mask_ratio must be in \[0, 1\]/);
    expect(() => BeitConfig.fromDict({ use_relative_position_bias: 'yes' })).toThrow(/use_relative_position_bias must be true or false/);
    expect(() => Dinov2Config.fromDict({ patch_size: [14] })).toThrow(/patch_size must be a positive integer or \[height, width\]/);
    // Hostile sizes are refused before anything is allocated from them.
    expect(() => Dinov2Config.fromDict({ mlp_ratio: 1e9 })).toThrow(/mlp_ratio must be a number > 0 and <= 256/);
    expect(() => Dinov2WithRegistersConfig.fromDict({ num_register_tokens: 1e6 })).toThrow(/num_register_tokens must be an integer in 0..1024/);
    expect(() => DeiTConfig.fromDict({ image_size: 8, patch_size: 16 })).toThrow(/patch_size 16 is larger than image_size 8/);
    expect(() => ViTMSNConfig.fromDict({ hidden_act: 'swishy' })).toThrow(/hidden_act "swishy" is not supported/);
    expect(() => BeitConfig.fromDict({ layer_norm_eps: 0 })).toThrow(/layer_norm_eps must be a number > 0/);
  });
});
