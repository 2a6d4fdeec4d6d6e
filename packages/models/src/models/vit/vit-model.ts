import { Tensor, type Arena, type Engine } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import type { AttentionImplementation } from '../../layers/attention.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { RunState, Serial } from '../../layers/run-state.js';
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
import { loadFromRepo } from '../load-context.js';
import { buildFromWeights } from '../model-arena.js';
import { runTransformer } from '../transformer-run.js';

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

/**
 * transformers' ViTModel: embeddings → encoder (pre-norm blocks) → final LayerNorm → optional pooler.
 * Checkpoint names: embeddings.*, encoder.layer.<i>.*, layernorm.*, pooler.dense.*.
 */
export class ViTModel {
  /** "fused" unless attentions or a head mask are requested (then eager, as transformers). */
  attnImplementation: AttentionImplementation;
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };
  private readonly state: RunState;
  private readonly serial = new Serial();
  private disposed = false;

  constructor(
    /** Engine memory holding the weights and run state (shared with the task model around it). */
    readonly arena: Arena,
    readonly config: ViTConfig,
    readonly embeddings: ViTEmbeddings,
    readonly encoder: readonly TransformerBlock[],
    readonly layernorm: LayerNorm,
    readonly pooler: ViTPooler | null,
    attnImplementation: AttentionImplementation = 'fused',
  ) {
    this.attnImplementation = attnImplementation;
    this.state = new RunState(arena);
  }

  /** The engine holding the weights and running the kernels. */
  get engine(): Engine {
    return this.arena.engine;
  }

  private async checkLive(): Promise<void> {
    if (this.disposed) throw new Error('ViTModel: disposed (its weights were freed)');
  }

  /** Frees the weights and run state held in the engine's memory (waits for a running forward). */
  async dispose(): Promise<void> {
    await this.serial.run(async () => {
      this.disposed = true;
      this.arena.dispose();
    });
  }

  /** Loads a hub id or local folder holding config.json + model.safetensors (or shards). */
  static async fromPretrained(idOrPath: string, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    return ViTModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    return loadFromRepo('ViTModel', repo, options, (dict) => ViTConfig.fromDict(dict), ViTModel.fromWeights);
  }

  /** Builds the model from an in-memory weight map (transformers' key names, with or without "vit."). */
  static async fromWeights(config: ViTConfig, weights: WeightMap, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    return buildFromWeights(adaptViTCheckpoint(weights), options, (arena, root) => ViTModel.load(arena, root, config, options));
  }

  /** Builds the model into `arena` from a scope at its root (`vit` inside the task models). */
  static async load(arena: Arena, scope: WeightScope, config: ViTConfig, options: ViTModelLoadOptions = {}): Promise<ViTModel> {
    const attn = resolveAttnImplementation(options);
    const embeddings = await ViTEmbeddings.load(arena, scope.pp('embeddings'), config, options.useMaskToken ?? false);
    const encoder = await loadViTEncoder(arena, scope.pp('encoder'), config);
    const layernorm = await LayerNorm.load(arena, scope.pp('layernorm'), config.hiddenSize, config.layerNormEps);
    const withPooler = options.addPoolingLayer ?? hasPooler(scope);
    const pooler = withPooler ? await ViTPooler.load(arena, scope.pp('pooler'), config) : null;
    const model = new ViTModel(arena, config, embeddings, encoder, layernorm, pooler, attn);
    if (options.addPoolingLayer === undefined && !withPooler) model.loadReport.missingKeys = POOLER_KEYS.map((k) => scope.key(k));
    return model;
  }

  async forward(inputs: ViTModelInputs): Promise<BaseModelOutputWithPooling> {
    const encoded = await this.encode(inputs);
    const poolerOutput = this.pooler ? await this.pooler.forward(selectToken(encoded.lastHiddenState)) : null;
    return { ...encoded, poolerOutput };
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues'> = {}): Promise<Tensor> {
    return (await this.encode({ ...options, pixelValues, outputAttentions: false, outputHiddenStates: false })).lastHiddenState;
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
    const { lastHiddenState, hidden: kept, grid } = await this.run(inputs, last, new Set(take));
    for (const i of take) {
      const tokens = kept.get(i)!.clone(); // an index may be taken twice
      const [batch, count] = tokens.shape;
      if (options.norm) await this.layernorm.forward(tokens.data, batch * count, tokens.data);
      if (options.returnPrefixTokens) prefixTokens.push(selectToken(tokens).reshape([batch, 1, hidden]));
      intermediates.push(patchTokens(tokens, 1, options.outputFmt === 'NLC' ? null : grid));
    }
    return {
      final: options.intermediatesOnly ? null : lastHiddenState,
      intermediates,
      prefixTokens: options.returnPrefixTokens ? prefixTokens : null,
    };
  }

  /** Everything but the pooler (what the task heads build on). */
  async encode(inputs: ViTModelInputs): Promise<Omit<BaseModelOutputWithPooling, 'poolerOutput'>> {
    const config = this.config;
    const wantAttentions = inputs.outputAttentions ?? config.outputAttentions;
    const wantHidden = inputs.outputHiddenStates ?? config.outputHiddenStates;
    const layers = this.encoder.length;
    const keep = new Set(wantHidden ? Array.from({ length: layers + 1 }, (_, i) => i - 1) : []);
    const { lastHiddenState, hidden, attentions } = await this.run(inputs, layers, keep, wantAttentions);
    const hiddenStates = wantHidden ? [...keep].map((i) => hidden.get(i)!) : null;
    return { lastHiddenState, hiddenStates, attentions };
  }

  /**
   * Embeddings, then blocks 0 … layers-1, then the final norm; also the residual streams in `keep` (-1: the
   * embedding output, i: after block i) and, with `attentions`, every block's probabilities.
   */
  private async run(
    inputs: ViTModelInputs,
    layers: number,
    keep: ReadonlySet<number>,
    attentions = false,
  ): Promise<{ lastHiddenState: Tensor; hidden: Map<number, Tensor>; attentions: Tensor[] | null; grid: [number, number] }> {
    const config = this.config;
    const shape = checkPixelValues(inputs.pixelValues, config.numChannels);
    const [batch, channels, height, width] = shape;
    const interpolate = inputs.interpolatePosEncoding ?? false;
    const grid = this.embeddings.grid(height, width, interpolate);
    const patches = grid[0] * grid[1];
    const tokens = patches + 1;
    const headMasks = headMaskPerLayer(inputs.headMask, config.numHiddenLayers, config.numAttentionHeads);
    const mask = inputs.boolMaskedPos ? Float32Array.from(boolMaskValues(inputs.boolMaskedPos)) : null;
    if (mask && mask.length !== batch * patches) {
      throw new RangeError(`boolMaskedPos has ${mask.length} entries, expected batch × patches = ${batch} × ${patches}`);
    }
    const image = channels * height * width;
    const [ph, pw] = this.embeddings.patchEmbeddings.patch;
    const result = await this.serial.run(() => this.checkLive().then(() => runTransformer(this.state, {
      what: 'ViTModel forward',
      engine: this.engine,
      batch, tokens, dim: config.hiddenSize, mlpDim: config.intermediateSize, heads: config.numAttentionHeads,
      blocks: this.encoder, layers, implementation: this.attnImplementation, headMasks, keepHidden: keep, attentions,
      embedScratch: patches * channels * ph * pw,
      embed: (b0, n, out, scratch) => this.embeddings.forward(
        inputs.pixelValues.data.subarray(b0 * image, (b0 + n) * image), [n, channels, height, width], out,
        mask && mask.subarray(b0 * patches, (b0 + n) * patches), interpolate, scratch,
      ),
      finalNorm: (x, rows, out) => this.layernorm.forward(x, rows, out),
    })));
    return { ...result, grid };
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
