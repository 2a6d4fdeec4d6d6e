import { Tensor, allocFloat32 } from '@purevit/core';
import { WeightScope, loadWeights, type ModelRepo, type WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import type { AttentionImplementation } from '../../layers/attention.js';
import { BlockScratch } from '../../layers/block-scratch.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import type { TransformerBlock } from '../../layers/transformer-block.js';
import { headMaskPerLayer } from '../head-mask.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import type { BaseModelOutputWithPooling, LoadReport } from '../model-outputs.js';
import { boolMaskValues, checkPixelValues, selectToken, type BoolMask } from '../tensor-utils.js';
import { POOLER_KEYS, adaptViTCheckpoint, hasPooler } from './vit-checkpoint.js';
import { ViTConfig } from './vit-config.js';
import { ViTEmbeddings } from './vit-embeddings.js';
import { loadViTEncoder } from './vit-encoder.js';
import { ViTPooler } from './vit-pooler.js';
import { withLoadContext } from '../load-context.js';

export interface ViTModelLoadOptions extends LoadOptions {
  /**
   * Build the pooler (transformers' add_pooling_layer, default true). Left unset, a checkpoint
   * without pooler weights (DINO, DeiT) loads without one: poolerOutput is null and the pooler keys
   * are listed in loadReport.missingKeys. Set to true, missing pooler weights are an error.
   */
  addPoolingLayer?: boolean;
  /** Create the mask token that boolMaskedPos needs (transformers' use_mask_token, default false). */
  useMaskToken?: boolean;
  /** Use this config instead of the repo's config.json. */
  config?: ViTConfig;
}

/** Forward arguments of ViTModel (transformers' names in camelCase). */
export interface ViTModelInputs {
  pixelValues: Tensor; // [batch, channels, height, width]
  /** [batch, numPatches]: patches replaced by the mask token (needs useMaskToken). */
  boolMaskedPos?: BoolMask | null;
  /** [heads] (every layer) or [layers, heads]: multiplies each head's attention probabilities. */
  headMask?: Tensor | null;
  /** Default: config.outputAttentions. */
  outputAttentions?: boolean;
  /** Default: config.outputHiddenStates. */
  outputHiddenStates?: boolean;
  /** Resample the position embeddings to the input's patch grid (bicubic), allowing other sizes. */
  interpolatePosEncoding?: boolean;
}

export interface ForwardHeadOptions {
  /** Return the features the head reads ([CLS] after the final norm) instead of its output. */
  preLogits?: boolean;
}

/** Activations of one forward, allocated once and shared by all layers. */
class ViTRunState {
  readonly hidden: Float32Array; // [batch, tokens, hidden]  residual stream
  readonly block: BlockScratch; // [batch·tokens, …]         per-block scratch

  constructor(readonly batch: number, readonly tokens: number, config: ViTConfig) {
    this.hidden = allocFloat32(batch * tokens * config.hiddenSize);
    this.block = new BlockScratch(batch * tokens, config.hiddenSize, config.intermediateSize);
  }
}

/**
 * transformers' ViTModel: embeddings → encoder (pre-norm blocks) → final LayerNorm → optional pooler.
 * Checkpoint names: embeddings.*, encoder.layer.<i>.*, layernorm.*, pooler.dense.*.
 */
export class ViTModel {
  /** "fused" unless attentions or a head mask are requested (then eager, as transformers). */
  attnImplementation: AttentionImplementation;
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };

  constructor(
    readonly config: ViTConfig,
    readonly embeddings: ViTEmbeddings,
    readonly encoder: readonly TransformerBlock[],
    readonly layernorm: LayerNorm,
    readonly pooler: ViTPooler | null,
    attnImplementation: AttentionImplementation = 'fused',
  ) {
    this.attnImplementation = attnImplementation;
  }

  /** Loads a hub id or local folder holding config.json + model.safetensors (or shards). */
  static async fromPretrained(idOrPath: string, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    return ViTModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    return withLoadContext('ViTModel', repo.id, async () => {
      const config = options.config ?? ViTConfig.fromDict(await repo.readJson('config.json'));
      return ViTModel.fromWeights(config, await loadWeights(repo), options);
    });
  }

  /** Builds the model from an in-memory weight map (transformers' key names, with or without "vit."). */
  static async fromWeights(config: ViTConfig, weights: WeightMap, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    const root = new WeightScope(adaptViTCheckpoint(weights));
    const model = await ViTModel.load(root, config, options);
    model.loadReport = { missingKeys: model.loadReport.missingKeys, unexpectedKeys: root.unusedKeys() };
    return model;
  }

  /** Builds the model from a scope at its root (`vit` inside the task models). */
  static async load(scope: WeightScope, config: ViTConfig, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    const attn = resolveAttnImplementation(options);
    const embeddings = await ViTEmbeddings.load(scope.pp('embeddings'), config, options.useMaskToken ?? false);
    const encoder = await loadViTEncoder(scope.pp('encoder'), config);
    const layernorm = await LayerNorm.load(scope.pp('layernorm'), config.hiddenSize, config.layerNormEps);
    const withPooler = options.addPoolingLayer ?? hasPooler(scope);
    const pooler = withPooler ? await ViTPooler.load(scope.pp('pooler'), config) : null;
    const model = new ViTModel(config, embeddings, encoder, layernorm, pooler, attn);
    if (options.addPoolingLayer === undefined && !withPooler) model.loadReport.missingKeys = POOLER_KEYS.map((k) => scope.key(k));
    return model;
  }

  async forward(inputs: ViTModelInputs): Promise<BaseModelOutputWithPooling> {
    const encoded = this.encode(inputs);
    const poolerOutput = this.pooler ? this.pooler.forward(selectToken(encoded.lastHiddenState)) : null;
    return { ...encoded, poolerOutput };
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues'> = {}): Promise<Tensor> {
    return this.encode({ ...options, pixelValues, outputAttentions: false, outputHiddenStates: false }).lastHiddenState;
  }

  /** timm's forward_head: the pooler output, or with preLogits the [CLS] features it reads. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    const cls = selectToken(features);
    if (options.preLogits || !this.pooler) return cls;
    return this.pooler.forward(cls);
  }

  /** Everything but the pooler (what the task heads build on). */
  encode(inputs: ViTModelInputs): Omit<BaseModelOutputWithPooling, 'poolerOutput'> {
    const config = this.config;
    const shape = checkPixelValues(inputs.pixelValues, config.numChannels);
    const [batch, , height, width] = shape;
    const interpolate = inputs.interpolatePosEncoding ?? false;
    const [gh, gw] = this.embeddings.grid(height, width, interpolate);
    const tokens = gh * gw + 1;
    const wantAttentions = inputs.outputAttentions ?? config.outputAttentions;
    const wantHidden = inputs.outputHiddenStates ?? config.outputHiddenStates;
    const headMasks = headMaskPerLayer(inputs.headMask, config.numHiddenLayers, config.numAttentionHeads);
    const mask = inputs.boolMaskedPos ? boolMaskValues(inputs.boolMaskedPos) : null;

    const state = new ViTRunState(batch, tokens, config);
    this.embeddings.forward(inputs.pixelValues.data, shape, state.hidden, mask, interpolate);

    const hiddenShape = [batch, tokens, config.hiddenSize];
    const hiddenStates: Tensor[] | null = wantHidden ? [] : null;
    const attentions: Tensor[] | null = wantAttentions ? [] : null;
    this.encoder.forEach((layer, i) => {
      hiddenStates?.push(Tensor.from(state.hidden, hiddenShape));
      const probs = attentions ? Tensor.zeros([batch, config.numAttentionHeads, tokens, tokens]) : null;
      if (probs) attentions?.push(probs);
      layer.forward(state.hidden, batch, tokens, state.block, {
        implementation: this.attnImplementation,
        headMask: headMasks[i],
        probs: probs?.data,
      });
    });
    hiddenStates?.push(Tensor.from(state.hidden, hiddenShape));

    const lastHiddenState = Tensor.zeros(hiddenShape);
    this.layernorm.forward(state.hidden, batch * tokens, lastHiddenState.data);
    return { lastHiddenState, hiddenStates, attentions };
  }
}
