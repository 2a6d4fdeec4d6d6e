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
import { boolMaskValues, checkPixelValues, patchTokens, selectToken, type BoolMask } from '../tensor-utils.js';
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

export interface ForwardIntermediatesOptions {
  /** The last n blocks, or block indices (negative from the end); default all. */
  indices?: number | readonly number[];
  /** Apply the final LayerNorm to each intermediate. */
  norm?: boolean;
  /** 'NCHW' (default): [batch, hidden, gh, gw] maps; 'NLC': [batch, gh·gw, hidden] sequences. */
  outputFmt?: 'NCHW' | 'NLC';
  /** Also return each intermediate's [CLS] token [batch, 1, hidden]. */
  returnPrefixTokens?: boolean;
  /** Run no block after the last requested one. */
  stopEarly?: boolean;
  /** Leave `final` null. */
  intermediatesOnly?: boolean;
  interpolatePosEncoding?: boolean;
}

export interface ForwardIntermediatesOutput {
  /** Final-normed output of the last block run [batch, tokens, hidden]. */
  final: Tensor | null;
  intermediates: Tensor[];
  prefixTokens: Tensor[] | null;
}

export interface ForwardHeadOptions {
  /** Return the features the head reads ([CLS] after the final norm) instead of its output. */
  preLogits?: boolean;
}

/** Activations of one forward, allocated once and shared by all layers. */
class ViTRunState {
  readonly hidden: Float32Array; // [batch, tokens, hidden]  residual stream
  readonly block: BlockScratch; // [batch·tokens, …]         per-block scratch

  constructor(
    readonly batch: number,
    readonly grid: readonly [number, number], // patch grid [gh, gw]; tokens = 1 + gh·gw
    readonly tokens: number,
    config: ViTConfig,
  ) {
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

  /**
   * timm's forward_intermediates: the output of the chosen blocks (`indices`: the last n, or a list,
   * negative from the end), optionally through the final norm, as NCHW maps [batch, hidden, gh, gw]
   * or NLC sequences; prefix ([CLS]) tokens are dropped from them, or returned apart with
   * returnPrefixTokens. `final` is the final-normed output of the last block run (null with
   * intermediatesOnly); stopEarly runs no block after the last index.
   */
  async forwardIntermediates(pixelValues: Tensor, options: ForwardIntermediatesOptions = {}): Promise<ForwardIntermediatesOutput> {
    const layers = this.encoder.length;
    const take = selectIndices(options.indices ?? layers, layers);
    const last = options.stopEarly ? Math.max(...take) + 1 : layers;
    const hidden = this.config.hiddenSize;
    const intermediates: Tensor[] = [];
    const prefixTokens: Tensor[] = [];
    const inputs = { pixelValues, interpolatePosEncoding: options.interpolatePosEncoding };
    const { lastHiddenState } = this.run(inputs, last, (i, state) => {
      if (!take.includes(i)) return;
      const rows = state.batch * state.tokens;
      const tokens = Tensor.from(state.hidden, [state.batch, state.tokens, hidden]);
      if (options.norm) this.layernorm.forward(tokens.data, rows, tokens.data);
      if (options.returnPrefixTokens) prefixTokens.push(selectToken(tokens).reshape([state.batch, 1, hidden]));
      intermediates.push(patchTokens(tokens, 1, options.outputFmt === 'NLC' ? null : state.grid));
    });
    return {
      final: options.intermediatesOnly ? null : lastHiddenState,
      intermediates,
      prefixTokens: options.returnPrefixTokens ? prefixTokens : null,
    };
  }

  /** Everything but the pooler (what the task heads build on). */
  encode(inputs: ViTModelInputs): Omit<BaseModelOutputWithPooling, 'poolerOutput'> {
    const config = this.config;
    const wantAttentions = inputs.outputAttentions ?? config.outputAttentions;
    const wantHidden = inputs.outputHiddenStates ?? config.outputHiddenStates;
    const hiddenStates: Tensor[] | null = wantHidden ? [] : null;
    const attentions: Tensor[] | null = wantAttentions ? [] : null;
    const { lastHiddenState } = this.run(
      inputs,
      this.encoder.length,
      (_, state) => hiddenStates?.push(Tensor.from(state.hidden, [state.batch, state.tokens, config.hiddenSize])),
      attentions,
    );
    return { lastHiddenState, hiddenStates, attentions };
  }

  /**
   * Embeddings, then blocks 0 … layers-1, then the final norm. `onHidden(i, state)` sees the residual
   * stream after block i (i = -1: the embedding output); `attentions` receives each block's
   * probabilities when given.
   */
  private run(
    inputs: ViTModelInputs,
    layers: number,
    onHidden: (layer: number, state: ViTRunState) => void,
    attentions: Tensor[] | null = null,
  ): { lastHiddenState: Tensor } {
    const config = this.config;
    const shape = checkPixelValues(inputs.pixelValues, config.numChannels);
    const [batch, , height, width] = shape;
    const interpolate = inputs.interpolatePosEncoding ?? false;
    const grid = this.embeddings.grid(height, width, interpolate);
    const tokens = grid[0] * grid[1] + 1;
    const headMasks = headMaskPerLayer(inputs.headMask, config.numHiddenLayers, config.numAttentionHeads);
    const mask = inputs.boolMaskedPos ? boolMaskValues(inputs.boolMaskedPos) : null;

    const state = new ViTRunState(batch, grid, tokens, config);
    this.embeddings.forward(inputs.pixelValues.data, shape, state.hidden, mask, interpolate);
    onHidden(-1, state);
    for (let i = 0; i < layers; i++) {
      const probs = attentions ? Tensor.zeros([batch, config.numAttentionHeads, tokens, tokens]) : null;
      if (probs) attentions?.push(probs);
      this.encoder[i].forward(state.hidden, batch, tokens, state.block, {
        implementation: this.attnImplementation,
        headMask: headMasks[i],
        probs: probs?.data,
      });
      onHidden(i, state);
    }
    const lastHiddenState = Tensor.zeros([batch, tokens, config.hiddenSize]);
    this.layernorm.forward(state.hidden, batch * tokens, lastHiddenState.data);
    return { lastHiddenState };
  }
}

/** timm's feature_take_indices: n → the last n blocks; a list → those blocks (negative from the end). */
function selectIndices(indices: number | readonly number[], layers: number): number[] {
  const list = typeof indices === 'number' ? Array.from({ length: indices }, (_, i) => layers - indices + i) : indices.map((i) => (i < 0 ? layers + i : i));
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= layers) throw new RangeError(`block index ${i} is outside 0..${layers - 1}`);
  }
  return list;
}
