import type { Arena, DeviceArray, Engine, Tensor } from '@purevit/core';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { LayerNorm } from '../../layers/layer-norm.js';
import { RunState, Serial } from '../../layers/run-state.js';
import type { TransformerBlock } from '../../layers/transformer-block.js';
import type { VisionEncoderConfig } from '../../configs/vision-encoder-config.js';
import {
  featureOrder, featureTakeIndices, outputFormat, type ForwardContract, type ForwardHeadOptions, type ForwardIntermediatesOptions, type ForwardIntermediatesOutput,
} from '../forward-contract.js';
import { withOutputs, type DeviceTensor, type ForwardOutputs } from '../forward-outputs.js';
import { headMaskPerLayer } from '../head-mask.js';
import type { BaseModelOutputWithPooling, LoadReport } from '../model-outputs.js';
import { boolMaskValues, checkPixelValues, type BoolMask } from '../tensor-utils.js';
import { tokenIntermediates } from '../token-intermediates.js';
import { runTransformer } from '../transformer-run.js';
import { checkSequence, selectTokenDevice, type EncodeRequest, type Encoded } from '../vit/vit-model.js';
import type { EmbedChunk, PerImageInput, TokenEmbeddings } from './token-embeddings.js';

/** Forward arguments every encoder of the family takes (transformers' names in camelCase). */
export interface EncoderInputs {
  pixelValues: Tensor; // [batch, channels, height, width]
  /** [batch, numPatches]: patches replaced by the mask token. */
  boolMaskedPos?: BoolMask | null;
  /** [heads] (every layer) or [layers, heads]: multiplies each head's attention probabilities. */
  headMask?: Tensor | null;
  /** Default: config.outputAttentions. */
  outputAttentions?: boolean;
  /** Default: config.outputHiddenStates. */
  outputHiddenStates?: boolean;
  /** Resample the position embeddings to the input's patch grid where the family asks for a flag. */
  interpolatePosEncoding?: boolean;
}

/** forward_intermediates' options, and transformers' interpolate_pos_encoding. */
export interface EncoderIntermediatesOptions extends ForwardIntermediatesOptions {
  interpolatePosEncoding?: boolean;
}

/**
 * The backbone of the ViT family's relatives in transformers (DeiT, DINOv2, BEiT, ViTMAE, ViTMSN):
 * embeddings (the family's TokenEmbeddings) → pre-norm blocks → final LayerNorm (none for BEiT's mean
 * pooling), on the engine, with the outputs transformers returns and timm's forward contract. A family's
 * class adds its loader, its pooler (`poolDevice`) and what its classifier reads (`headInputDevice`).
 */
export abstract class EncoderModel<C extends VisionEncoderConfig = VisionEncoderConfig> implements ForwardContract {
  /** "fused" unless attentions or a head mask are requested (then eager, as transformers). */
  attnImplementation: AttentionImplementation;
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };
  private readonly state: RunState;
  private readonly serial = new Serial();
  private disposed = false;

  constructor(
    /** transformers' class name, for messages. */
    readonly className: string,
    /** Engine memory holding the weights and run state (shared with the task model around it). */
    readonly arena: Arena,
    readonly config: C,
    readonly embeddings: TokenEmbeddings,
    readonly encoder: readonly TransformerBlock[],
    /** The final LayerNorm, or null (BEiT with mean pooling: Identity). */
    readonly layernorm: LayerNorm | null,
    /** Width of the blocks' MLP scratch. */
    readonly mlpDim: number,
    attnImplementation: AttentionImplementation,
  ) {
    this.attnImplementation = attnImplementation;
    this.state = new RunState(arena);
  }

  /** transformers' pooler_output of a final sequence [batch, tokens, hidden] (null: the class has none). */
  abstract poolDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor | null;

  /** What the family's classifier reads from a final sequence (timm's pre-logits): by default the [CLS] token. */
  headInputDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
    return selectTokenDevice(final, 0, outputs);
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

  async forward(inputs: EncoderInputs): Promise<BaseModelOutputWithPooling> {
    const { heads, hiddenStates, attentions } = await this.run(inputs, (encoded, outputs) => ({
      lastHiddenState: encoded.final,
      poolerOutput: this.poolDevice(encoded.final, outputs),
    }));
    return { lastHiddenState: heads.lastHiddenState!, poolerOutput: heads.poolerOutput, hiddenStates, attentions };
  }

  /**
   * One forward in a session: the encoder (with hidden states and attentions as `inputs` ask), then `heads`
   * on its result — device tensors, each read back once. `extra`: per-image inputs of the family.
   */
  async run<K extends string>(
    inputs: EncoderInputs,
    heads: (encoded: Encoded, outputs: ForwardOutputs) => Record<K, DeviceTensor | null> | Promise<Record<K, DeviceTensor | null>>,
    extra?: readonly PerImageInput[],
  ): Promise<{ heads: Record<K, Tensor | null>; hiddenStates: Tensor[] | null; attentions: Tensor[] | null }> {
    return this.session(async (outputs) => {
      const { wantHidden, wantAttentions } = this.wants(inputs);
      const encoded = await this.encodeInto(inputs, { hidden: wantHidden ? this.allHidden() : [], attentions: wantAttentions }, outputs, extra);
      const devices = await heads(encoded, outputs);
      const read = {} as Record<K, Tensor | null>;
      for (const key of Object.keys(devices) as K[]) read[key] = devices[key] && (await outputs.read(devices[key]));
      return {
        heads: read,
        hiddenStates: wantHidden ? await readEach(outputs, [...encoded.hidden.values()]) : null,
        attentions: encoded.attentions && (await readEach(outputs, encoded.attentions)),
      };
    });
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<EncoderInputs, 'pixelValues'> = {}): Promise<Tensor> {
    return this.session(async (outputs) => {
      const encoded = await this.encodeInto({ ...options, pixelValues, outputAttentions: false, outputHiddenStates: false }, {}, outputs);
      return outputs.read(encoded.final);
    });
  }

  /** timm's forward_head for a backbone: the pooler output, or with preLogits (or no pooler) what a classifier reads. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return this.session(async (outputs) => {
      const x = outputs.upload(checkSequence(features, this.config.hiddenSize));
      const pooled = options.preLogits ? null : this.poolDevice(x, outputs);
      return outputs.read(pooled ?? this.headInputDevice(x, outputs));
    });
  }

  /**
   * timm's forward_intermediates: the chosen blocks' outputs (prefix tokens dropped, or returned apart), as
   * NCHW maps [batch, hidden, gh, gw] or NLC sequences, optionally through the final norm.
   */
  async forwardIntermediates(pixelValues: Tensor, options: EncoderIntermediatesOptions = {}): Promise<ForwardIntermediatesOutput> {
    const layers = this.encoder.length;
    const { take, maxIndex } = featureTakeIndices(layers, options.indices);
    const outputFmt = outputFormat(options, ['NCHW', 'NLC']);
    const blocks = featureOrder(take);
    return this.session(async (outputs) => {
      const inputs = { pixelValues, interpolatePosEncoding: options.interpolatePosEncoding };
      const encoded = await this.encodeInto(inputs, { layers: options.stopEarly ? maxIndex + 1 : layers, hidden: blocks }, outputs);
      const { intermediates, prefixTokens } = await tokenIntermediates(outputs, blocks.map((i) => encoded.hidden.get(i)!), {
        norm: options.norm ? this.layernorm : null, prefix: this.embeddings.prefixTokens, grid: encoded.grid, outputFmt,
        returnPrefixTokens: options.returnPrefixTokens ?? false,
      });
      return { final: options.intermediatesOnly ? null : await outputs.read(encoded.final), intermediates, prefixTokens };
    });
  }

  /** Runs `body` alone on this model (its run state is shared), with outputs freed afterwards. */
  session<T>(body: (outputs: ForwardOutputs) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      if (this.disposed) throw new Error(`${this.className}: disposed (its weights were freed)`);
      return withOutputs(this.arena, body);
    });
  }

  /** Which of hidden states and attentions `inputs` asks for (defaults from the config). */
  wants(inputs: Pick<EncoderInputs, 'outputHiddenStates' | 'outputAttentions'>): { wantHidden: boolean; wantAttentions: boolean } {
    return {
      wantHidden: inputs.outputHiddenStates ?? this.config.outputHiddenStates,
      wantAttentions: inputs.outputAttentions ?? this.config.outputAttentions,
    };
  }

  /** -1 (the embedding output) and every block. */
  allHidden(): number[] {
    return Array.from({ length: this.encoder.length + 1 }, (_, i) => i - 1);
  }

  /**
   * Embeddings, then blocks 0 … layers-1, then the final norm, into `outputs` (within a session): the
   * final sequence, the residual streams asked for and, with `attentions`, every block's probabilities.
   * `extra` are per-image host inputs the family's embeddings read (ViTMAE's kept patches); default
   * `defaultInputs(inputs)`.
   */
  async encodeInto(inputs: EncoderInputs, request: EncodeRequest, outputs: ForwardOutputs, extra?: readonly PerImageInput[]): Promise<Encoded> {
    const config = this.config;
    const shape = checkPixelValues(inputs.pixelValues, config.numChannels);
    const [batch, channels, height, width] = shape;
    const interpolate = inputs.interpolatePosEncoding ?? false;
    const grid = this.embeddings.grid(height, width, interpolate);
    const tokens = this.embeddings.tokens(grid);
    const hiddenSize = config.hiddenSize;
    const heads = config.numAttentionHeads;
    const layers = request.layers ?? this.encoder.length;
    const headMaskValues = headMaskPerLayer(inputs.headMask, this.encoder.length, heads);
    const perImage = [...(extra ?? this.defaultInputs(inputs)), ...this.maskInput(inputs.boolMaskedPos, batch, grid)];

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
    const engine = this.engine;
    await runTransformer({
      what: `${this.className} forward`, engine, state,
      batch, tokens, dim: hiddenSize, mlpDim: this.mlpDim, heads,
      blocks: this.encoder, layers, implementation: this.attnImplementation, headMasks, biases: this.attentionBiases(grid),
      embedLengths: (images) => ({
        pixels: images * image,
        ...Object.fromEntries(perImage.map((p) => [`input:${p.name}`, images * p.width])),
        ...this.embeddings.lengths(images, shape, grid),
      }),
      embed: (b0, n, out) => {
        const pixels = state.view('pixels', n * image);
        engine.write(pixels, inputs.pixelValues.data.subarray(b0 * image, (b0 + n) * image));
        const chunkInputs = new Map<string, DeviceArray>();
        for (const p of perImage) {
          const view = state.view(`input:${p.name}`, n * p.width);
          engine.write(view, p.values.subarray(b0 * p.width, (b0 + n) * p.width));
          chunkInputs.set(p.name, view);
        }
        const chunk: EmbedChunk = {
          images: n, shape: [n, channels, height, width], grid, interpolatePosEncoding: interpolate, pixels, perImage: chunkInputs,
          view: (name, length) => state.view(name, length),
        };
        this.embeddings.forward(chunk, out);
      },
      finalNorm: this.layernorm ? (x, rows, out) => this.layernorm!.forward(x, rows, out) : null,
      hidden: new Map([...hidden].map(([i, t]) => [i, t.data])),
      attentions: attentions?.map((t) => t.data),
      final: final.data,
    });
    return { batch, tokens, grid, final, hidden, attentions };
  }

  /** [heads, tokens, tokens] added to each block's attention scores for an input's patch grid (BEiT's relative position bias); none by default. */
  protected attentionBiases(_grid: readonly [number, number]): readonly (DeviceArray | undefined)[] | undefined {
    return undefined;
  }

  /** Per-image inputs of a call that gives none (ViTMAE: a random masking); none by default. */
  protected defaultInputs(_inputs: EncoderInputs): PerImageInput[] {
    return [];
  }

  /** bool_masked_pos as the per-image input 'mask' [batch, patches] of 0/1 (checked against the grid and the model). */
  private maskInput(boolMaskedPos: BoolMask | null | undefined, batch: number, grid: readonly [number, number]): PerImageInput[] {
    if (!boolMaskedPos) return [];
    const patches = grid[0] * grid[1];
    const values = Float32Array.from(boolMaskValues(boolMaskedPos), (v) => (v ? 1 : 0));
    if (values.length !== batch * patches) {
      throw new RangeError(`boolMaskedPos has ${values.length} entries, expected batch × patches = ${batch} × ${patches}`);
    }
    this.embeddings.checkMaskable();
    return [{ name: 'mask', values, width: patches }];
  }
}

/** Reads each device tensor back (in order). */
export async function readEach(outputs: ForwardOutputs, tensors: readonly DeviceTensor[]): Promise<Tensor[]> {
  const out: Tensor[] = [];
  for (const t of tensors) out.push(await outputs.read(t));
  return out;
}
