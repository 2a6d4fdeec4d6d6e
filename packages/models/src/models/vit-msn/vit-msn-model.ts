import type { Arena } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { LayerNorm } from '../../layers/layer-norm.js';
import { PatchEmbed } from '../../layers/patch-embed.js';
import { EncoderModel } from '../encoder/encoder-model.js';
import { PatchTokenEmbeddings } from '../encoder/patch-token-embeddings.js';
import type { DeviceTensor } from '../forward-outputs.js';
import { loadFromRepo } from '../load-context.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import { loadViTEncoder } from '../vit/vit-encoder.js';
import { adaptViTMSNCheckpoint } from './vit-msn-checkpoint.js';
import { ViTMSNConfig } from './vit-msn-config.js';

export interface ViTMSNModelLoadOptions extends LoadOptions {
  /** Create the mask token that boolMaskedPos needs (transformers' use_mask_token, default false). */
  useMaskToken?: boolean;
  /** Use this config instead of the repo's config.json. */
  config?: ViTMSNConfig;
}

/**
 * transformers' ViTMSNModel: ViT's embeddings (the input must have the config's size unless
 * interpolatePosEncoding), ViT layers, final LayerNorm, no pooler (poolerOutput is null).
 * Checkpoint names: embeddings.{patch_embeddings.projection, cls_token, position_embeddings, mask_token},
 * encoder.layer.<i>.*, layernorm.*.
 */
export class ViTMSNModel extends EncoderModel<ViTMSNConfig> {
  static async fromPretrained(idOrPath: string, options: ViTMSNModelLoadOptions = {}): Promise<ViTMSNModel> {
    return ViTMSNModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTMSNModelLoadOptions = {}): Promise<ViTMSNModel> {
    return loadFromRepo('ViTMSNModel', repo, options, (dict) => ViTMSNConfig.fromDict(dict), ViTMSNModel.fromWeights);
  }

  /** Builds the model from an in-memory weight map (transformers' key names, with or without "vit."). */
  static async fromWeights(config: ViTMSNConfig, weights: WeightMap, options: ViTMSNModelLoadOptions = {}): Promise<ViTMSNModel> {
    return buildFromWeights(adaptViTMSNCheckpoint(weights), options, (arena, root) => ViTMSNModel.load(arena, root, config, options));
  }

  /** Builds the model into `arena` from a scope at its root (`vit` inside ViTMSNForImageClassification). */
  static async load(arena: Arena, scope: WeightScope, config: ViTMSNConfig, options: ViTMSNModelLoadOptions = {}): Promise<ViTMSNModel> {
    const d = config.hiddenSize;
    const emb = scope.pp('embeddings');
    const projection = await PatchEmbed.load(arena, emb.pp('patch_embeddings').pp('projection'), d, config.numChannels, config.patchSize2);
    const embeddings = new PatchTokenEmbeddings(
      arena, projection, arena.upload(await emb.get('cls_token', [1, 1, d])), 1,
      arena.upload(await emb.get('position_embeddings', [1, config.numPatches + 1, d])), 1, config.gridSize,
      options.useMaskToken ? arena.upload(await emb.get('mask_token', [1, 1, d])) : null,
      { what: 'ViTMSNModel', imageSize: config.imageSize2, resize: 'on-request', strictImageSize: true, resample: { mode: 'bicubic', alignCorners: false, antialias: false } },
    );
    const encoder = await loadViTEncoder(arena, scope.pp('encoder'), config);
    const layernorm = await LayerNorm.load(arena, scope.pp('layernorm'), d, config.layerNormEps);
    return new ViTMSNModel('ViTMSNModel', arena, config, embeddings, encoder, layernorm, config.intermediateSize, resolveAttnImplementation(options));
  }

  /** ViTMSNModel has no pooler. */
  poolDevice(): DeviceTensor | null {
    return null;
  }
}
