import type { Arena } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { LayerNorm } from '../../layers/layer-norm.js';
import { EncoderModel } from '../encoder/encoder-model.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import { loadFromRepo } from '../load-context.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import { POOLER_KEYS, hasPooler } from '../vit/vit-checkpoint.js';
import { loadViTEncoder } from '../vit/vit-encoder.js';
import { selectTokenDevice } from '../vit/vit-model.js';
import { ViTPooler } from '../vit/vit-pooler.js';
import { adaptDeiTCheckpoint } from './deit-checkpoint.js';
import { DeiTConfig } from './deit-config.js';
import { loadDeiTEmbeddings } from './deit-embeddings.js';

export interface DeiTModelLoadOptions extends LoadOptions {
  /**
   * Build the pooler (transformers' add_pooling_layer, default true). Left unset, a checkpoint without
   * pooler weights (the hub's DeiT task checkpoints) loads without one: poolerOutput is null and the
   * pooler keys are listed in loadReport.missingKeys (transformers would initialise it randomly).
   */
  addPoolingLayer?: boolean;
  /** Create the mask token that boolMaskedPos needs (transformers' use_mask_token, default false). */
  useMaskToken?: boolean;
  /** Use this config instead of the repo's config.json. */
  config?: DeiTConfig;
}

/**
 * transformers' DeiTModel: [CLS, DIST] + patches → ViT layers → final LayerNorm → optional pooler
 * (tanh(dense(CLS)), ViT's). Checkpoint names: embeddings.*, encoder.layer.<i>.*, layernorm.*, pooler.dense.*.
 */
export class DeiTModel extends EncoderModel<DeiTConfig> {
  constructor(
    arena: Arena,
    config: DeiTConfig,
    embeddings: EncoderModel['embeddings'],
    encoder: EncoderModel['encoder'],
    layernorm: LayerNorm,
    readonly pooler: ViTPooler | null,
    attnImplementation: EncoderModel['attnImplementation'],
  ) {
    super('DeiTModel', arena, config, embeddings, encoder, layernorm, config.intermediateSize, attnImplementation);
  }

  /** Loads a hub id or local folder holding config.json + model.safetensors (or shards). */
  static async fromPretrained(idOrPath: string, options: DeiTModelLoadOptions = {}): Promise<DeiTModel> {
    return DeiTModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: DeiTModelLoadOptions = {}): Promise<DeiTModel> {
    return loadFromRepo('DeiTModel', repo, options, (dict) => DeiTConfig.fromDict(dict), DeiTModel.fromWeights);
  }

  /** Builds the model from an in-memory weight map (transformers' key names, with or without "deit."). */
  static async fromWeights(config: DeiTConfig, weights: WeightMap, options: DeiTModelLoadOptions = {}): Promise<DeiTModel> {
    return buildFromWeights(adaptDeiTCheckpoint(weights), options, (arena, root) => DeiTModel.load(arena, root, config, options));
  }

  /** Builds the model into `arena` from a scope at its root (`deit` inside the task models). */
  static async load(arena: Arena, scope: WeightScope, config: DeiTConfig, options: DeiTModelLoadOptions = {}): Promise<DeiTModel> {
    const attn = resolveAttnImplementation(options);
    const embeddings = await loadDeiTEmbeddings(arena, scope.pp('embeddings'), config, options.useMaskToken ?? false, 'DeiTModel');
    const encoder = await loadViTEncoder(arena, scope.pp('encoder'), config);
    const layernorm = await LayerNorm.load(arena, scope.pp('layernorm'), config.hiddenSize, config.layerNormEps);
    const withPooler = options.addPoolingLayer ?? hasPooler(scope);
    const pooler = withPooler ? await ViTPooler.load(arena, scope.pp('pooler'), config) : null;
    const model = new DeiTModel(arena, config, embeddings, encoder, layernorm, pooler, attn);
    if (options.addPoolingLayer === undefined && !withPooler) model.loadReport.missingKeys = POOLER_KEYS.map((k) => scope.key(k));
    return model;
  }

  /** tanh(dense(CLS)) of a final sequence, or null without a pooler. */
  poolDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor | null {
    if (!this.pooler) return null;
    const cls = selectTokenDevice(final, 0, outputs);
    const pooled = outputs.alloc([cls.shape[0], this.pooler.dense.outFeatures]);
    this.pooler.forward(cls.data, cls.shape[0], pooled.data);
    return pooled;
  }
}
