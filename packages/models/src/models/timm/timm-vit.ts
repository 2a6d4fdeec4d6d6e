import { Tensor, formatShape, type Arena, type Engine } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { Attention, type AttentionImplementation } from '../../layers/attention.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { LayerScale } from '../../layers/layer-scale.js';
import { Linear } from '../../layers/linear.js';
import { Mlp } from '../../layers/mlp.js';
import { PatchEmbed } from '../../layers/patch-embed.js';
import { RunState, Serial } from '../../layers/run-state.js';
import { TransformerBlock } from '../../layers/transformer-block.js';
import { patchTokens, selectToken } from '../tensor-utils.js';
import { runTransformer } from '../transformer-run.js';
import { checkTimmPixels } from './timm-pixels.js';
import {
  featureTakeIndices,
  type TimmForwardHeadOptions,
  type TimmForwardIntermediatesOptions,
  type TimmForwardIntermediatesOutput,
  type TimmModel,
} from './timm-model.js';
import { resampleAbsPosEmbed } from './timm-pos-embed.js';
import type { TimmViTArgs } from './timm-vit-args.js';

/**
 * One timm `Block` from `blocks.<i>`: norm1 → attn.{qkv (fused), q_norm, k_norm, proj} → ls1 (+ residual),
 * norm2 → mlp.{fc1 (+ act), fc2} → ls2 (+ residual). timm names are the shared layers' own layout, so
 * nothing is split or fused at load.
 */
async function loadBlock(arena: Arena, scope: WeightScope, a: TimmViTArgs): Promise<TransformerBlock> {
  const d = a.embedDim;
  const eps = a.normEps;
  const attnScope = scope.pp('attn');
  const headDim = d / a.numHeads;
  const qkNorm = a.qkNorm
    ? { q: await LayerNorm.load(arena, attnScope.pp('q_norm'), headDim, eps), k: await LayerNorm.load(arena, attnScope.pp('k_norm'), headDim, eps) }
    : null;
  const attn = new Attention(
    await Linear.load(arena, attnScope.pp('qkv'), d, 3 * d, a.qkvBias),
    await Linear.load(arena, attnScope.pp('proj'), d, d, a.projBias),
    a.numHeads,
    qkNorm,
  );
  const mlp = new Mlp(
    await Linear.load(arena, scope.pp('mlp').pp('fc1'), d, a.mlpHidden, a.projBias),
    await Linear.load(arena, scope.pp('mlp').pp('fc2'), a.mlpHidden, d, a.projBias),
    a.actLayer,
  );
  const layerScale = a.initValues !== null;
  return new TransformerBlock({
    norm1: await LayerNorm.load(arena, scope.pp('norm1'), d, eps),
    attn,
    norm2: await LayerNorm.load(arena, scope.pp('norm2'), d, eps),
    mlp,
    ls1: layerScale ? await LayerScale.load(scope.pp('ls1'), d) : null,
    ls2: layerScale ? await LayerScale.load(scope.pp('ls2'), d) : null,
  });
}

/**
 * timm's VisionTransformer (vision_transformer.py) assembled from a scope over timm's module tree:
 * patch_embed.proj, cls_token, reg_token, pos_embed, norm_pre, blocks.<i>.*, norm, fc_norm, head.
 * Options: class token or none, register tokens, position embeddings with or without the prefix
 * tokens (no_embed_class), resampled to the input grid (dynamic_img_size, dynamic_img_pad), pre-norm,
 * LayerScale, qk-norm, qkv/proj bias, token/avg/max/avgmax pooling with fc_norm, the MLP activation.
 */
export class TimmVisionTransformer implements TimmModel {
  readonly family = 'vision_transformer' as const;
  attnImplementation: AttentionImplementation = 'fused';
  /** Patch grid → position embeddings resampled for it (dynamic_img_size); deterministic, so cached. */
  private readonly resampled = new Map<string, Float32Array>();
  private readonly state: RunState;
  private readonly serial = new Serial();
  private disposed = false;

  constructor(
    readonly arena: Arena,
    readonly architecture: string,
    readonly args: TimmViTArgs,
    readonly patchEmbed: PatchEmbed,
    readonly clsToken: Float32Array | null, // [dim]
    readonly regToken: Float32Array | null, // [regTokens, dim]
    readonly posEmbed: Float32Array | null, // [embedLen, dim]: (prefix unless no_embed_class) + gh·gw rows
    readonly normPre: LayerNorm | null,
    readonly blocks: readonly TransformerBlock[],
    readonly norm: LayerNorm | null,
    readonly fcNorm: LayerNorm | null,
    readonly head: Linear | null, // dim → numClasses; null = Identity
  ) {
    this.state = new RunState(arena);
  }

  static async load(arena: Arena, scope: WeightScope, architecture: string, args: TimmViTArgs, numClasses: number): Promise<TimmVisionTransformer> {
    const d = args.embedDim;
    const eps = args.normEps;
    // CLIP-style pre-norm towers have no patch-embedding bias (timm: bias=not pre_norm).
    const patchEmbed = await PatchEmbed.load(arena, scope.pp('patch_embed').pp('proj'), d, args.inChans, args.patchSize, !args.preNorm);
    const prefix = (args.classToken ? 1 : 0) + args.regTokens;
    const [gh, gw] = patchEmbed.grid(args.imgSize[0], args.imgSize[1]);
    const embedLen = gh * gw + (args.noEmbedClass ? 0 : prefix);
    const blocks: TransformerBlock[] = [];
    for (let i = 0; i < args.depth; i++) blocks.push(await loadBlock(arena, scope.pp('blocks').pp(i), args));
    return new TimmVisionTransformer(
      arena,
      architecture,
      args,
      patchEmbed,
      args.classToken ? await scope.get('cls_token', [1, 1, d]) : null,
      args.regTokens > 0 ? await scope.get('reg_token', [1, args.regTokens, d]) : null,
      args.posEmbed ? await scope.get('pos_embed', [1, embedLen, d]) : null,
      args.preNorm ? await LayerNorm.load(arena, scope.pp('norm_pre'), d, eps) : null,
      blocks,
      args.finalNorm && !args.useFcNorm ? await LayerNorm.load(arena, scope.pp('norm'), d, eps) : null,
      args.finalNorm && args.useFcNorm ? await LayerNorm.load(arena, scope.pp('fc_norm'), d, eps) : null,
      numClasses > 0 ? await Linear.load(arena, scope.pp('head'), d, numClasses) : null,
    );
  }

  get engine(): Engine {
    return this.arena.engine;
  }

  private async checkLive(): Promise<void> {
    if (this.disposed) throw new Error(`${this.architecture}: disposed (its weights were freed)`);
  }

  /** Frees the packed weights and the run state. */
  async dispose(): Promise<void> {
    await this.serial.run(async () => {
      this.disposed = true;
      this.arena.dispose();
    });
  }

  get numClasses(): number {
    return this.head ? this.head.outFeatures : 0;
  }

  get numFeatures(): number {
    return this.args.embedDim;
  }

  /** Class + register tokens. */
  get numPrefixTokens(): number {
    return (this.clsToken ? 1 : 0) + this.args.regTokens;
  }

  /** timm's forward_features: [batch, prefix + gh·gw, dim] after the final norm (if any). */
  async forwardFeatures(pixelValues: Tensor): Promise<Tensor> {
    return (await this.run(pixelValues, this.blocks.length, new Set())).features;
  }

  /** timm's forward_head: pool → fc_norm → head (pre_logits stops before the head). */
  async forwardHead(features: Tensor, options: TimmForwardHeadOptions = {}): Promise<Tensor> {
    const d = this.args.embedDim;
    if (features.shape.length !== 3 || features.shape[2] !== d) {
      throw new RangeError(`forwardHead expects features [batch, tokens, ${d}], got ${formatShape(features.shape)}`);
    }
    const pooled = this.pool(features);
    const rows = pooled.size / d;
    if (this.fcNorm) await this.fcNorm.forward(pooled.data, rows, pooled.data);
    if (options.preLogits || !this.head) return pooled;
    const logits = Tensor.zeros([...pooled.shape.slice(0, -1), this.head.outFeatures]);
    await this.head.forward(pooled.data, rows, logits.data);
    return logits;
  }

  async forward(pixelValues: Tensor): Promise<Tensor> {
    return this.forwardHead(await this.forwardFeatures(pixelValues));
  }

  /**
   * timm's forward_intermediates: block outputs (one per index, in block order) as NCHW maps
   * [batch, dim, gh, gw] or NLC sequences, prefix tokens removed (returned apart with
   * returnPrefixTokens), through the final norm only with `norm`; `final` = forward_features.
   */
  async forwardIntermediates(pixelValues: Tensor, options: TimmForwardIntermediatesOptions = {}): Promise<TimmForwardIntermediatesOutput> {
    const { take, maxIndex } = featureTakeIndices(this.blocks.length, options.indices);
    const outputFmt = options.outputFmt ?? 'NCHW';
    if (outputFmt !== 'NCHW' && outputFmt !== 'NLC') throw new RangeError(`outputFmt must be "NCHW" or "NLC", got ${JSON.stringify(outputFmt)}`);
    const prefix = this.numPrefixTokens;
    const intermediates: Tensor[] = [];
    const prefixTokens: Tensor[] = [];
    const last = options.stopEarly ? maxIndex + 1 : this.blocks.length;
    const { features: final, hidden, grid } = await this.run(pixelValues, last, new Set(take));
    for (const i of take) {
      const tokens = hidden.get(i)!.clone(); // an index may be taken twice
      const [batch, count] = tokens.shape;
      if (options.norm && this.norm) await this.norm.forward(tokens.data, batch * count, tokens.data);
      if (options.returnPrefixTokens && prefix > 0) prefixTokens.push(leadingTokens(tokens, prefix));
      intermediates.push(patchTokens(tokens, prefix, outputFmt === 'NCHW' ? grid : null));
    }
    return {
      final: options.intermediatesOnly ? null : final,
      intermediates,
      prefixTokens: options.returnPrefixTokens && prefix > 0 ? prefixTokens : null,
    };
  }

  /** timm's global_pool_nlc: [batch, tokens, dim] → [batch, dim] ('' keeps the tokens). */
  pool(x: Tensor): Tensor {
    const [batch, tokens, d] = x.shape;
    const type = this.args.globalPool;
    if (type === '') return x.clone();
    if (type === 'token') return selectToken(x, 0);
    const start = this.args.poolIncludePrefix ? 0 : this.numPrefixTokens;
    const count = tokens - start;
    if (count < 1) throw new RangeError(`global_pool ${type}: no tokens to pool`);
    const out = Tensor.zeros([batch, d]);
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < d; c++) {
        let sum = 0;
        let max = -Infinity;
        for (let t = start; t < tokens; t++) {
          const v = x.data[(b * tokens + t) * d + c];
          sum += v;
          if (v > max || v !== v) max = v;
        }
        const mean = Math.fround(sum / count);
        out.data[b * d + c] = type === 'avg' ? mean : type === 'max' ? max : 0.5 * Math.fround(max + mean);
      }
    }
    return out;
  }

  /** Input check and patch grid: the training size unless dynamic_img_size; multiples of the patch unless dynamic_img_pad. */
  private inputGrid(shape: readonly [number, number, number, number]): [number, number] {
    const [, , height, width] = shape;
    const [ph, pw] = this.args.patchSize;
    const [ih, iw] = this.args.imgSize;
    if (!this.args.dynamicImgSize) {
      if (height !== ih) throw new RangeError(`Input height (${height}) doesn't match model (${ih}).`);
      if (width !== iw) throw new RangeError(`Input width (${width}) doesn't match model (${iw}).`);
    } else if (!this.args.dynamicImgPad) {
      if (height % ph !== 0) throw new RangeError(`Input height (${height}) should be divisible by patch size (${ph}).`);
      if (width % pw !== 0) throw new RangeError(`Input width (${width}) should be divisible by patch size (${pw}).`);
    }
    const grid: [number, number] = this.args.dynamicImgPad
      ? [Math.ceil(height / ph), Math.ceil(width / pw)]
      : [Math.floor(height / ph), Math.floor(width / pw)];
    if (grid[0] < 1 || grid[1] < 1) throw new RangeError(`Input ${height}x${width} is smaller than one ${ph}x${pw} patch`);
    return grid;
  }

  /** Position embeddings for a patch grid: the table, or (dynamic_img_size) the table resampled as timm does. */
  private positions(grid: readonly [number, number]): Float32Array | null {
    if (!this.posEmbed) return null;
    if (!this.args.dynamicImgSize) return this.posEmbed;
    const key = `${grid[0]}x${grid[1]}`;
    let table = this.resampled.get(key);
    if (!table) {
      const trainGrid = this.patchEmbed.grid(this.args.imgSize[0], this.args.imgSize[1]);
      const prefix = this.args.noEmbedClass ? 0 : this.numPrefixTokens;
      table = resampleAbsPosEmbed(this.posEmbed, this.args.embedDim, grid, trainGrid, prefix);
      this.resampled.set(key, table);
    }
    return table;
  }

  /** timm's patch_embed + _pos_embed (+ norm_pre): writes [batch, tokens, dim] into `out`. */
  private async embed(
    pixels: Float32Array, // [batch, channels, height, width]
    shape: [number, number, number, number],
    grid: readonly [number, number],
    tokens: number,
    out: Float32Array,
    scratch: Float32Array,
  ): Promise<void> {
    const d = this.args.embedDim;
    const prefix = this.numPrefixTokens;
    const [batch, channels, height, width] = shape;
    const [ph, pw] = this.args.patchSize;
    const [gh, gw] = grid;
    const input = pixels;
    let pixelShape = shape;
    if (this.args.dynamicImgPad && (height % ph !== 0 || width % pw !== 0)) {
      // F.pad(x, (0, pad_w, 0, pad_h)): zeros on the bottom and right.
      pixelShape = [batch, channels, gh * ph, gw * pw];
      pixels = new Float32Array(batch * channels * pixelShape[2] * pixelShape[3]);
      for (let p = 0; p < batch * channels; p++) {
        for (let y = 0; y < height; y++) {
          pixels.set(input.subarray((p * height + y) * width, (p * height + y + 1) * width), (p * pixelShape[2] + y) * pixelShape[3]);
        }
      }
    }
    await this.patchEmbed.forward(pixels, pixelShape, out, tokens, prefix, scratch);
    const pos = this.positions(grid);
    // no_embed_class: positions cover the patches only (prefix tokens get none); else prefix rows come first.
    const posPrefix = pos && !this.args.noEmbedClass ? prefix : 0;
    if (pos && pos.length !== (posPrefix + gh * gw) * d) {
      // timm fails the same way (x + pos_embed): only dynamic_img_size resamples the table.
      throw new RangeError(`position embeddings cover ${pos.length / d - posPrefix} patches, the input has ${gh}x${gw}; set dynamic_img_size to resample them`);
    }
    for (let b = 0; b < batch; b++) {
      const row = b * tokens * d;
      if (this.clsToken) out.set(this.clsToken, row);
      if (this.regToken) out.set(this.regToken, row + (this.clsToken ? d : 0));
      if (!pos) continue;
      for (let i = 0; i < posPrefix * d; i++) out[row + i] += pos[i];
      const patches = pos.subarray(posPrefix * d);
      for (let i = 0; i < gh * gw * d; i++) out[row + prefix * d + i] += patches[i];
    }
    if (this.normPre) await this.normPre.forward(out, batch * tokens, out);
  }

  /**
   * Embeddings, norm_pre, blocks 0 … layers-1, then the final norm: forward_features of what ran, and the
   * residual streams after the blocks in `keep`.
   */
  private async run(pixelValues: Tensor, layers: number, keep: ReadonlySet<number>): Promise<{ features: Tensor; hidden: Map<number, Tensor>; grid: [number, number] }> {
    const shape = checkTimmPixels(pixelValues, this.args.inChans);
    const grid = this.inputGrid(shape);
    const [batch, channels, height, width] = shape;
    const tokens = this.numPrefixTokens + grid[0] * grid[1];
    const image = channels * height * width;
    const [ph, pw] = this.args.patchSize;
    const { lastHiddenState, hidden } = await this.serial.run(() => this.checkLive().then(() => runTransformer(this.state, {
      what: `${this.architecture} forward`,
      engine: this.engine,
      batch, tokens, dim: this.args.embedDim, mlpDim: this.args.mlpHidden, heads: this.args.numHeads,
      blocks: this.blocks, layers, implementation: this.attnImplementation, keepHidden: keep,
      embedScratch: grid[0] * grid[1] * channels * ph * pw,
      embed: (b0, n, out, scratch) =>
        this.embed(pixelValues.data.subarray(b0 * image, (b0 + n) * image), [n, channels, height, width], grid, tokens, out, scratch),
      finalNorm: this.norm ? (x, rows, out) => this.norm!.forward(x, rows, out) : null,
    })));
    return { features: lastHiddenState, hidden, grid };
  }
}

/** The first `n` tokens of x [batch, tokens, dim] → [batch, n, dim]. */
function leadingTokens(x: Tensor, n: number): Tensor {
  const [batch, tokens, d] = x.shape;
  const out = Tensor.zeros([batch, n, d]);
  for (let b = 0; b < batch; b++) out.data.set(x.data.subarray(b * tokens * d, (b * tokens + n) * d), b * n * d);
  return out;
}
