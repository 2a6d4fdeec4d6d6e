import type { Arena, DeviceArray } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { LayerNorm } from '../../layers/layer-norm.js';
import { PatchEmbed } from '../../layers/patch-embed.js';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { TransformerBlock } from '../../layers/transformer-block.js';
import { EncoderModel } from '../encoder/encoder-model.js';
import { meanTokensDevice } from '../encoder/head-ops.js';
import { PatchTokenEmbeddings } from '../encoder/patch-token-embeddings.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import { loadFromRepo } from '../load-context.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import { selectTokenDevice } from '../vit/vit-model.js';
import { adaptBeitCheckpoint } from './beit-checkpoint.js';
import { BeitConfig } from './beit-config.js';
import { loadBeitLayer } from './beit-layer.js';
import { BeitRelativePositionBias } from './relative-position-bias.js';

export interface BeitModelLoadOptions extends LoadOptions {
  /**
   * Build the pooler (transformers' add_pooling_layer, default true). Left unset, a mean-pooling checkpoint
   * without `pooler.layernorm` weights loads without one: poolerOutput is null and the keys are listed in
   * loadReport.missingKeys (transformers would initialise them).
   */
  addPoolingLayer?: boolean;
  /** Use this config instead of the repo's config.json. */
  config?: BeitConfig;
}

/** transformers' BeitPooler: LayerNorm(mean of the patch tokens) with use_mean_pooling, else the [CLS] token. */
export type BeitPooling = { kind: 'mean'; layernorm: LayerNorm } | { kind: 'cls' } | null;

/**
 * transformers' BeitModel: [CLS] + patch tokens (mask token where masked; absolute positions when
 * use_absolute_position_embeddings, resized to any input), BEiT layers with relative position biases (per
 * layer and/or one shared, resampled to the input's window), final LayerNorm unless mean pooling, pooler.
 * Checkpoint names: embeddings.*, encoder.layer.<i>.*, encoder.relative_position_bias.*, layernorm.*,
 * pooler.layernorm.*.
 */
export class BeitModel extends EncoderModel<BeitConfig> {
  private readonly biases = new Map<string, readonly (DeviceArray | undefined)[]>();

  constructor(
    arena: Arena,
    config: BeitConfig,
    embeddings: PatchTokenEmbeddings,
    encoder: readonly TransformerBlock[],
    /** Each layer's own relative position bias (use_relative_position_bias), else null. */
    readonly layerBiases: readonly (BeitRelativePositionBias | null)[],
    /** The encoder's shared one (use_shared_relative_position_bias), else null. */
    readonly sharedBias: BeitRelativePositionBias | null,
    layernorm: LayerNorm | null,
    readonly pooler: BeitPooling,
    attnImplementation: AttentionImplementation,
  ) {
    super('BeitModel', arena, config, embeddings, encoder, layernorm, config.intermediateSize, attnImplementation);
  }

  static async fromPretrained(idOrPath: string, options: BeitModelLoadOptions = {}): Promise<BeitModel> {
    return BeitModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: BeitModelLoadOptions = {}): Promise<BeitModel> {
    return loadFromRepo('BeitModel', repo, options, (dict) => BeitConfig.fromDict(dict), BeitModel.fromWeights);
  }

  /** Builds the model from an in-memory weight map (transformers' key names, with or without "beit."). */
  static async fromWeights(config: BeitConfig, weights: WeightMap, options: BeitModelLoadOptions = {}): Promise<BeitModel> {
    return buildFromWeights(adaptBeitCheckpoint(weights), options, (arena, root) => BeitModel.load(arena, root, config, options));
  }

  /** Builds the model into `arena` from a scope at its root (`beit` inside BeitForImageClassification). */
  static async load(arena: Arena, scope: WeightScope, config: BeitConfig, options: BeitModelLoadOptions = {}): Promise<BeitModel> {
    const d = config.hiddenSize;
    const window = config.gridSize;
    const emb = scope.pp('embeddings');
    const projection = await PatchEmbed.load(arena, emb.pp('patch_embeddings').pp('projection'), d, config.numChannels, config.patchSize2);
    const embeddings = new PatchTokenEmbeddings(
      arena, projection, arena.upload(await emb.get('cls_token', [1, 1, d])), 1,
      config.useAbsolutePositionEmbeddings ? arena.upload(await emb.get('position_embeddings', [1, config.numPatches + 1, d])) : null, 1, window,
      config.useMaskToken ? arena.upload(await emb.get('mask_token', [1, 1, d])) : null,
      { what: 'BeitModel', imageSize: config.imageSize2, resize: 'always', strictImageSize: false, resample: { mode: 'bicubic', alignCorners: false, antialias: false } },
    );
    const layers = [];
    for (let i = 0; i < config.numHiddenLayers; i++) layers.push(await loadBeitLayer(arena, scope.pp('encoder').pp('layer').pp(i), config, window));
    const shared = config.useSharedRelativePositionBias
      ? await BeitRelativePositionBias.load(arena, scope.pp('encoder').pp('relative_position_bias'), window, config.numAttentionHeads)
      : null;
    const layernorm = config.useMeanPooling ? null : await LayerNorm.load(arena, scope.pp('layernorm'), d, config.layerNormEps);
    const poolerNorm = scope.pp('pooler').pp('layernorm');
    const withPooler = options.addPoolingLayer ?? (!config.useMeanPooling || poolerNorm.has('weight'));
    let pooler: BeitPooling = null;
    if (withPooler) pooler = config.useMeanPooling ? { kind: 'mean', layernorm: await LayerNorm.load(arena, poolerNorm, d, config.layerNormEps) } : { kind: 'cls' };
    const model = new BeitModel(
      arena, config, embeddings, layers.map((l) => l.block), layers.map((l) => l.relativePositionBias), shared, layernorm, pooler, resolveAttnImplementation(options),
    );
    if (options.addPoolingLayer === undefined && !withPooler) model.loadReport.missingKeys = ['weight', 'bias'].map((k) => poolerNorm.key(k));
    return model;
  }

  /** pooler_output: LayerNorm(mean of the patch tokens) with mean pooling, else the final-normed [CLS]; null without a pooler. */
  poolDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor | null {
    if (!this.pooler) return null;
    if (this.pooler.kind === 'cls') return selectTokenDevice(final, 0, outputs);
    const mean = meanTokensDevice(final, 1, outputs);
    this.pooler.layernorm.forward(mean.data, mean.shape[0], mean.data);
    return mean;
  }

  /** BeitForImageClassification's classifier reads pooler_output (the [CLS] token when the model has no pooler). */
  override headInputDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
    return this.poolDevice(final, outputs) ?? selectTokenDevice(final, 0, outputs);
  }

  /** Each layer's bias for a window: its own plus the shared one (added once per window, cached). */
  protected override attentionBiases(grid: readonly [number, number]): readonly (DeviceArray | undefined)[] | undefined {
    if (!this.sharedBias && this.layerBiases.every((b) => !b)) return undefined;
    const key = `${grid[0]}x${grid[1]}`;
    let biases = this.biases.get(key);
    if (!biases) {
      const shared = this.sharedBias?.biasFor(grid);
      biases = this.layerBiases.map((own) => {
        const mine = own?.biasFor(grid);
        if (!mine || !shared) return mine ?? shared;
        const sum = this.arena.alloc(mine.length);
        this.engine.ops.binaryBroadcast({ a: mine, b: shared, out: sum, op: 'add', outer: mine.length, mid: 1, inner: 1 });
        return sum;
      });
      this.biases.set(key, biases);
    }
    return biases;
  }
}
