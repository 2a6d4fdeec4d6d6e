import type { Arena, DeviceArray, Engine, Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import type { AttentionImplementation } from '../../layers/attention.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { RunState, Serial } from '../../layers/run-state.js';
import type { TransformerBlock } from '../../layers/transformer-block.js';
import {
  featureOrder, featureTakeIndices, outputFormat, type ForwardContract, type ForwardHeadOptions, type ForwardIntermediatesOptions, type ForwardIntermediatesOutput,
} from '../forward-contract.js';
import { withOutputs, type DeviceTensor, type ForwardOutputs } from '../forward-outputs.js';
import { headMaskPerLayer } from '../head-mask.js';
import { loadFromRepo } from '../load-context.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import type { BaseModelOutputWithPooling, LoadReport } from '../model-outputs.js';
import { boolMaskValues, checkPixelValues, type BoolMask } from '../tensor-utils.js';
import { tokenIntermediates } from '../token-intermediates.js';
import { runTransformer } from '../transformer-run.js';
import { POOLER_KEYS, adaptViTCheckpoint, hasPooler } from './vit-checkpoint.js';
import { ViTConfig } from './vit-config.js';
import { ViTEmbeddings } from './vit-embeddings.js';
import { loadViTEncoder } from './vit-encoder.js';
import { ViTPooler } from './vit-pooler.js';

export type { ForwardHeadOptions, ForwardIntermediatesOutput } from '../forward-contract.js';

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

/** forward_intermediates' options, and transformers' interpolate_pos_encoding. */
export interface ViTForwardIntermediatesOptions extends ForwardIntermediatesOptions {
  interpolatePosEncoding?: boolean;
}

/** What one encoder run asks for (outputs are allocated for the whole batch). */
export interface EncodeRequest {
  /** Blocks to run (default all). */
  layers?: number;
  /** Residual streams to keep: -1 = the embedding output, i = after block i. */
  hidden?: Iterable<number>;
  /** Every block's attention probabilities (eager). */
  attentions?: boolean;
}

/** The device results of an encoder run, in the caller's outputs. */
export interface Encoded {
  batch: number;
  tokens: number;
  grid: [number, number];
  /** The final-normed sequence [batch, tokens, hidden]. */
  final: DeviceTensor;
  hidden: Map<number, DeviceTensor>;
  attentions: DeviceTensor[] | null;
}

/**
 * transformers' ViTModel: embeddings → encoder (pre-norm blocks) → final LayerNorm → optional pooler.
 * Checkpoint names: embeddings.*, encoder.layer.<i>.*, layernorm.*, pooler.dense.*.
 */
export class ViTModel implements ForwardContract {
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

  /** The engine holding the weights and running the ops. */
  get engine(): Engine {
    return this.arena.engine;
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
    return this.session(async (outputs) => {
      const { wantHidden, wantAttentions } = this.wants(inputs);
      const encoded = await this.encodeInto(inputs, { hidden: wantHidden ? this.allHidden() : [], attentions: wantAttentions }, outputs);
      const pooled = this.pooler ? this.poolDevice(encoded.final, outputs) : null;
      return {
        lastHiddenState: await outputs.read(encoded.final),
        poolerOutput: pooled && (await outputs.read(pooled)),
        hiddenStates: wantHidden ? await readAll(outputs, [...encoded.hidden.values()]) : null,
        attentions: encoded.attentions && (await readAll(outputs, encoded.attentions)),
      };
    });
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues'> = {}): Promise<Tensor> {
    return this.session(async (outputs) => {
      const encoded = await this.encodeInto({ ...options, pixelValues, outputAttentions: false, outputHiddenStates: false }, {}, outputs);
      return outputs.read(encoded.final);
    });
  }

  /** timm's forward_head: the pooler output, or with preLogits the [CLS] features it reads. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return this.session(async (outputs) => {
      const x = outputs.upload(checkSequence(features, this.config.hiddenSize));
      const cls = selectTokenDevice(x, 0, outputs);
      if (options.preLogits || !this.pooler) return outputs.read(cls);
      const pooled = outputs.alloc([cls.shape[0], this.pooler.dense.outFeatures]);
      this.pooler.forward(cls.data, cls.shape[0], pooled.data);
      return outputs.read(pooled);
    });
  }

  /**
   * timm's forward_intermediates: the output of the chosen blocks (`indices`: the last n, or a list,
   * negative from the end), optionally through the final norm, as NCHW maps [batch, hidden, gh, gw]
   * or NLC sequences; prefix ([CLS]) tokens are dropped from them, or returned apart with
   * returnPrefixTokens. `final` is the final-normed output of the last block run (null with
   * intermediatesOnly); stopEarly runs no block after the last index.
   */
  async forwardIntermediates(pixelValues: Tensor, options: ViTForwardIntermediatesOptions = {}): Promise<ForwardIntermediatesOutput> {
    const layers = this.encoder.length;
    const { take, maxIndex } = featureTakeIndices(layers, options.indices);
    const outputFmt = outputFormat(options, ['NCHW', 'NLC']);
    const blocks = featureOrder(take);
    return this.session(async (outputs) => {
      const inputs = { pixelValues, interpolatePosEncoding: options.interpolatePosEncoding };
      const encoded = await this.encodeInto(inputs, { layers: options.stopEarly ? maxIndex + 1 : layers, hidden: blocks }, outputs);
      const { intermediates, prefixTokens } = await tokenIntermediates(outputs, blocks.map((i) => encoded.hidden.get(i)!), {
        norm: options.norm ? this.layernorm : null, prefix: 1, grid: encoded.grid, outputFmt, returnPrefixTokens: options.returnPrefixTokens ?? false,
      });
      return { final: options.intermediatesOnly ? null : await outputs.read(encoded.final), intermediates, prefixTokens };
    });
  }

  /** Everything but the pooler (what the task heads build on), read as transformers returns it. */
  async encode(inputs: ViTModelInputs): Promise<Omit<BaseModelOutputWithPooling, 'poolerOutput'>> {
    return this.session(async (outputs) => {
      const { wantHidden, wantAttentions } = this.wants(inputs);
      const encoded = await this.encodeInto(inputs, { hidden: wantHidden ? this.allHidden() : [], attentions: wantAttentions }, outputs);
      return {
        lastHiddenState: await outputs.read(encoded.final),
        hiddenStates: wantHidden ? await readAll(outputs, [...encoded.hidden.values()]) : null,
        attentions: encoded.attentions && (await readAll(outputs, encoded.attentions)),
      };
    });
  }

  /** Runs `body` alone on this model (its run state is shared), with outputs freed afterwards. */
  session<T>(body: (outputs: ForwardOutputs) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      if (this.disposed) throw new Error('ViTModel: disposed (its weights were freed)');
      return withOutputs(this.arena, body);
    });
  }

  /** Which of hidden states and attentions `inputs` asks for (defaults from the config). */
  wants(inputs: ViTModelInputs): { wantHidden: boolean; wantAttentions: boolean } {
    return {
      wantHidden: inputs.outputHiddenStates ?? this.config.outputHiddenStates,
      wantAttentions: inputs.outputAttentions ?? this.config.outputAttentions,
    };
  }

  /** -1 (the embedding output) and every block. */
  allHidden(): number[] {
    return Array.from({ length: this.encoder.length + 1 }, (_, i) => i - 1);
  }

  /** The pooler on the [CLS] tokens of a final sequence [batch, tokens, hidden] (within a session). */
  poolDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor | null {
    if (!this.pooler) return null;
    const cls = selectTokenDevice(final, 0, outputs);
    const pooled = outputs.alloc([cls.shape[0], this.pooler.dense.outFeatures]);
    this.pooler.forward(cls.data, cls.shape[0], pooled.data);
    return pooled;
  }

  /**
   * Embeddings, then blocks 0 … layers-1, then the final norm, into `outputs` (within a session): the
   * final-normed sequence, the residual streams asked for and, with `attentions`, every block's probabilities.
   */
  async encodeInto(inputs: ViTModelInputs, request: EncodeRequest, outputs: ForwardOutputs): Promise<Encoded> {
    const config = this.config;
    const shape = checkPixelValues(inputs.pixelValues, config.numChannels);
    const [batch, channels, height, width] = shape;
    const interpolate = inputs.interpolatePosEncoding ?? false;
    const grid = this.embeddings.grid(height, width, interpolate);
    const patches = grid[0] * grid[1];
    const tokens = patches + 1;
    const hiddenSize = config.hiddenSize;
    const heads = config.numAttentionHeads;
    const layers = request.layers ?? this.encoder.length;
    const headMaskValues = headMaskPerLayer(inputs.headMask, config.numHiddenLayers, heads);
    const mask = inputs.boolMaskedPos ? Float32Array.from(boolMaskValues(inputs.boolMaskedPos)) : null;
    if (mask && mask.length !== batch * patches) {
      throw new RangeError(`boolMaskedPos has ${mask.length} entries, expected batch × patches = ${batch} × ${patches}`);
    }
    if (mask && !this.embeddings.maskToken) {
      throw new Error('boolMaskedPos needs a mask token: load the model with useMaskToken: true (ViTForMaskedImageModeling does)');
    }
    const seq = [batch, tokens, hiddenSize];
    const final = outputs.alloc(seq);
    const hidden = new Map<number, DeviceTensor>();
    for (const i of request.hidden ?? []) hidden.set(i, outputs.alloc(seq));
    const attentions = request.attentions ? Array.from({ length: layers }, () => outputs.alloc([batch, heads, tokens, tokens])) : null;
    const uploaded = new Map<Float32Array, DeviceArray>();
    const headMasks = headMaskValues.map((m) => {
      if (!m) return undefined;
      if (!uploaded.has(m)) uploaded.set(m, outputs.uploadArray(m));
      return uploaded.get(m);
    });
    const image = channels * height * width;
    const state = this.state;
    await runTransformer({
      what: 'ViTModel forward', engine: this.engine, state,
      batch, tokens, dim: hiddenSize, mlpDim: config.intermediateSize, heads,
      blocks: this.encoder, layers, implementation: this.attnImplementation, headMasks,
      embedLengths: (images) => this.embeddings.lengths(images, shape, grid, mask !== null),
      embed: (b0, n, out) => {
        const pixels = state.view('pixels', n * image);
        this.engine.write(pixels, inputs.pixelValues.data.subarray(b0 * image, (b0 + n) * image));
        let maskBuffer: DeviceArray | null = null;
        if (mask) {
          maskBuffer = state.view('mask', n * patches);
          this.engine.write(maskBuffer, mask.subarray(b0 * patches, (b0 + n) * patches));
        }
        const buffers = {
          pixels, mask: maskBuffer,
          patchRows: state.view('patchRows', this.embeddings.patchEmbeddings.rowsLength(n, grid)),
          patches: state.view('patches', n * patches * hiddenSize),
        };
        this.embeddings.forward(buffers, [n, channels, height, width], interpolate, out);
      },
      finalNorm: (x, rows, out) => this.layernorm.forward(x, rows, out),
      hidden: new Map([...hidden].map(([i, t]) => [i, t.data])),
      attentions: attentions?.map((t) => t.data),
      final: final.data,
    });
    return { batch, tokens, grid, final, hidden, attentions };
  }
}

/** Token `index` of every sequence of x [batch, tokens, dim] → [batch, dim] (on the device). */
export function selectTokenDevice(x: DeviceTensor, index: number, outputs: ForwardOutputs): DeviceTensor {
  const [batch, tokens, dim] = x.shape;
  const out = outputs.alloc([batch, dim]);
  outputs.arena.engine.ops.copyRows({ x: x.data.view(index * dim), out: out.data, rows: batch, cols: dim, ldx: tokens * dim });
  return out;
}

/** Checks features are [batch, tokens, dim]. */
export function checkSequence(features: Tensor, dim: number): Tensor {
  if (features.shape.length !== 3 || features.shape[2] !== dim || features.shape[1] < 1) {
    throw new RangeError(`forwardHead expects features [batch, tokens, ${dim}], got [${features.shape.join(', ')}]`);
  }
  return features;
}

async function readAll(outputs: ForwardOutputs, tensors: readonly DeviceTensor[]): Promise<Tensor[]> {
  const out: Tensor[] = [];
  for (const t of tensors) out.push(await outputs.read(t));
  return out;
}
