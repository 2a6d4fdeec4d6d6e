import { ConfigError, checkBound, formatValue } from '@purevit/weights';
import { BACKBONE_KEYS, readBackboneStages } from '../../configs/backbone-stages.js';
import { optionalBoolean, optionalInteger, optionalNumber, type JsonObject } from '../../configs/pretrained-config.js';
import { VisionEncoderConfig, checkConfigDict } from '../../configs/vision-encoder-config.js';

const BEIT_KEYS = [
  'vocab_size',
  'intermediate_size',
  'use_mask_token',
  'use_absolute_position_embeddings',
  'use_relative_position_bias',
  'use_shared_relative_position_bias',
  'layer_scale_init_value',
  'drop_path_rate',
  'use_mean_pooling',
  'pool_scales',
  'use_auxiliary_head',
  'auxiliary_loss_weight',
  'auxiliary_channels',
  'auxiliary_num_convs',
  'auxiliary_concat_input',
  'semantic_loss_ignore_index',
  'add_fpn',
  'reshape_hidden_states',
  'segmentation_indices',
  ...BACKBONE_KEYS,
] as const;

/**
 * transformers' BeitConfig (configuration_beit.py at the golden's pinned commit). The encoder reads
 * use_absolute_position_embeddings, use_relative_position_bias (one table per layer),
 * use_shared_relative_position_bias (one table in the encoder), layer_scale_init_value (> 0:
 * lambda_1 / lambda_2 per layer), use_mean_pooling and use_mask_token. vocab_size is the
 * masked-image-modeling head's, pool_scales / auxiliary_* / semantic_loss_ignore_index the
 * segmentation heads', out_features / out_indices / add_fpn / reshape_hidden_states the backbone's;
 * drop_path_rate acts in training only.
 */
export class BeitConfig extends VisionEncoderConfig {
  static readonly modelType = 'beit';

  vocabSize: number;
  intermediateSize: number;
  useMaskToken: boolean;
  useAbsolutePositionEmbeddings: boolean;
  useRelativePositionBias: boolean;
  useSharedRelativePositionBias: boolean;
  layerScaleInitValue: number;
  dropPathRate: number;
  useMeanPooling: boolean;
  poolScales: number[];
  useAuxiliaryHead: boolean;
  auxiliaryLossWeight: number;
  auxiliaryChannels: number;
  auxiliaryNumConvs: number;
  auxiliaryConcatInput: boolean;
  semanticLossIgnoreIndex: number;
  addFpn: boolean;
  reshapeHiddenStates: boolean;
  stageNames: string[];
  outFeatures: string[];
  outIndices: number[];

  protected constructor(dict: JsonObject) {
    super(dict, BeitConfig.modelType, BEIT_KEYS, { layerNormEps: 1e-12, patchSize: 16 });
    this.vocabSize = optionalInteger(dict, 'vocab_size', 'width') ?? 8192;
    this.intermediateSize = optionalInteger(dict, 'intermediate_size', 'width') ?? 3072;
    this.useMaskToken = optionalBoolean(dict, 'use_mask_token') ?? false;
    this.useAbsolutePositionEmbeddings = optionalBoolean(dict, 'use_absolute_position_embeddings') ?? false;
    this.useRelativePositionBias = optionalBoolean(dict, 'use_relative_position_bias') ?? false;
    this.useSharedRelativePositionBias = optionalBoolean(dict, 'use_shared_relative_position_bias') ?? false;
    this.layerScaleInitValue = optionalNumber(dict, 'layer_scale_init_value') ?? 0.1;
    this.dropPathRate = optionalNumber(dict, 'drop_path_rate') ?? 0.1;
    this.useMeanPooling = optionalBoolean(dict, 'use_mean_pooling') ?? true;
    const poolScales = dict.pool_scales ?? [1, 2, 3, 6];
    if (!Array.isArray(poolScales) || poolScales.length > 64) {
      throw new ConfigError('invalid_type', `config field pool_scales must be a list of positive integers, got ${formatValue(poolScales)}`, { field: 'pool_scales' });
    }
    this.poolScales = poolScales.map((v, i) => checkBound(v, 'smallInteger', `pool_scales[${i}]`));
    this.useAuxiliaryHead = optionalBoolean(dict, 'use_auxiliary_head') ?? true;
    this.auxiliaryLossWeight = optionalNumber(dict, 'auxiliary_loss_weight') ?? 0.4;
    this.auxiliaryChannels = optionalInteger(dict, 'auxiliary_channels', 'width') ?? 256;
    this.auxiliaryNumConvs = optionalInteger(dict, 'auxiliary_num_convs', 'layers') ?? 1;
    this.auxiliaryConcatInput = optionalBoolean(dict, 'auxiliary_concat_input') ?? false;
    this.semanticLossIgnoreIndex = optionalInteger(dict, 'semantic_loss_ignore_index', 'finite') ?? 255;
    this.addFpn = optionalBoolean(dict, 'add_fpn') ?? false;
    this.reshapeHiddenStates = optionalBoolean(dict, 'reshape_hidden_states') ?? true;
    // Backwards compatibility, as transformers: a deprecated segmentation_indices is the out_indices.
    const stagesDict = dict.segmentation_indices != null ? { ...dict, out_indices: dict.segmentation_indices } : dict;
    const stages = readBackboneStages(stagesDict, this.numHiddenLayers);
    this.stageNames = stages.stageNames;
    this.outFeatures = stages.outFeatures;
    this.outIndices = stages.outIndices;
  }

  static fromDict(dict: JsonObject | Record<string, unknown>): BeitConfig {
    return new BeitConfig(checkConfigDict(dict, 'BeitConfig', BeitConfig.modelType));
  }

  /** Whether attention layers add a relative position bias (their own or the shared one). */
  get hasRelativePositionBias(): boolean {
    return this.useRelativePositionBias || this.useSharedRelativePositionBias;
  }

  protected familyDict(): JsonObject {
    return {
      vocab_size: this.vocabSize,
      intermediate_size: this.intermediateSize,
      use_mask_token: this.useMaskToken,
      use_absolute_position_embeddings: this.useAbsolutePositionEmbeddings,
      use_relative_position_bias: this.useRelativePositionBias,
      use_shared_relative_position_bias: this.useSharedRelativePositionBias,
      layer_scale_init_value: this.layerScaleInitValue,
      drop_path_rate: this.dropPathRate,
      use_mean_pooling: this.useMeanPooling,
      pool_scales: this.poolScales,
      use_auxiliary_head: this.useAuxiliaryHead,
      auxiliary_loss_weight: this.auxiliaryLossWeight,
      auxiliary_channels: this.auxiliaryChannels,
      auxiliary_num_convs: this.auxiliaryNumConvs,
      auxiliary_concat_input: this.auxiliaryConcatInput,
      semantic_loss_ignore_index: this.semanticLossIgnoreIndex,
      add_fpn: this.addFpn,
      reshape_hidden_states: this.reshapeHiddenStates,
      stage_names: this.stageNames,
      out_features: this.outFeatures,
      out_indices: this.outIndices,
    };
  }
}
