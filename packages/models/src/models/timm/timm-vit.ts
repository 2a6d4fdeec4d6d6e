import { formatShape, type Arena, type DeviceArray, type Engine, type Tensor } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { Attention, type AttentionImplementation } from '../../layers/attention.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { LayerScale } from '../../layers/layer-scale.js';
import { Linear } from '../../layers/linear.js';
import { Mlp } from '../../layers/mlp.js';
import { PatchEmbed } from '../../layers/patch-embed.js';
import { RunState, Serial } from '../../layers/run-state.js';
import { TransformerBlock } from '../../layers/transformer-block.js';
import { featureOrder, featureTakeIndices, outputFormat } from '../forward-contract.js';
import { withOutputs, type DeviceTensor, type ForwardOutputs } from '../forward-outputs.js';
import { tokenIntermediates } from '../token-intermediates.js';
import { runTransformer } from '../transformer-run.js';
import { checkTimmPixels } from './timm-pixels.js';
import type { TimmForwardHeadOptions, TimmForwardIntermediatesOptions, TimmForwardIntermediatesOutput, TimmModel } from './timm-model.js';
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
    ls1: layerScale ? await LayerScale.load(arena, scope.pp('ls1'), d) : null,
    ls2: layerScale ? await LayerScale.load(arena, scope.pp('ls2'), d) : null,
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
  /** Patch grid → position embeddings resampled for it (dynamic_img_size); deterministic, so cached in the arena. */
  private readonly resampled = new Map<string, DeviceArray>();
  private readonly state: RunState;
  private readonly serial = new Serial();
  private disposed = false;

  constructor(
    readonly arena: Arena,
    readonly architecture: string,
    readonly args: TimmViTArgs,
    readonly patchEmbed: PatchEmbed,
    /** [class token (if any), register tokens …] as rows [numPrefixTokens, dim], or null without any. */
    readonly prefixTokens: DeviceArray | null,
    readonly posEmbed: DeviceArray | null, // [embedLen, dim]: (prefix unless no_embed_class) + gh·gw rows
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
    // The class token, then the register tokens: the rows timm concatenates in front of the patches.
    const prefixRows = new Float32Array(prefix * d);
    if (args.classToken) prefixRows.set(await scope.get('cls_token', [1, 1, d]));
    if (args.regTokens > 0) prefixRows.set(await scope.get('reg_token', [1, args.regTokens, d]), args.classToken ? d : 0);
    return new TimmVisionTransformer(
      arena,
      architecture,
      args,
      patchEmbed,
      prefix > 0 ? arena.upload(prefixRows) : null,
      args.posEmbed ? arena.upload(await scope.get('pos_embed', [1, embedLen, d])) : null,
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
    return (this.args.classToken ? 1 : 0) + this.args.regTokens;
  }

  /** timm's forward_features: [batch, prefix + gh·gw, dim] after the final norm (if any). */
  async forwardFeatures(pixelValues: Tensor): Promise<Tensor> {
    return this.session(async (outputs) => outputs.read((await this.run(pixelValues, this.blocks.length, [], outputs)).features));
  }

  /** timm's forward_head: pool → fc_norm → head (pre_logits stops before the head). */
  async forwardHead(features: Tensor, options: TimmForwardHeadOptions = {}): Promise<Tensor> {
    const d = this.args.embedDim;
    if (features.shape.length !== 3 || features.shape[2] !== d) {
      throw new RangeError(`forwardHead expects features [batch, tokens, ${d}], got ${formatShape(features.shape)}`);
    }
    return this.session(async (outputs) => outputs.read(this.headDevice(outputs.upload(features), options, outputs)));
  }

  /** forwardHead(forwardFeatures(x)), the features staying in engine memory: only the logits are read. */
  async forward(pixelValues: Tensor): Promise<Tensor> {
    return this.session(async (outputs) => {
      const { features } = await this.run(pixelValues, this.blocks.length, [], outputs);
      return outputs.read(this.headDevice(features, {}, outputs));
    });
  }

  /**
   * timm's forward_intermediates: block outputs (each taken block once, in block order) as NCHW maps
   * [batch, dim, gh, gw] or NLC sequences, prefix tokens removed (returned apart with returnPrefixTokens),
   * through the final norm only with `norm`; `final` = forward_features of the blocks run.
   */
  async forwardIntermediates(pixelValues: Tensor, options: TimmForwardIntermediatesOptions = {}): Promise<TimmForwardIntermediatesOutput> {
    const { take, maxIndex } = featureTakeIndices(this.blocks.length, options.indices);
    const outputFmt = outputFormat(options, ['NCHW', 'NLC']);
    const blocks = featureOrder(take);
    return this.session(async (outputs) => {
      const last = options.stopEarly ? maxIndex + 1 : this.blocks.length;
      const { features, hidden, grid } = await this.run(pixelValues, last, blocks, outputs);
      const { intermediates, prefixTokens } = await tokenIntermediates(outputs, blocks.map((i) => hidden.get(i)!), {
        norm: options.norm ? this.norm : null, prefix: this.numPrefixTokens, grid, outputFmt, returnPrefixTokens: options.returnPrefixTokens ?? false,
      });
      return { final: options.intermediatesOnly ? null : await outputs.read(features), intermediates, prefixTokens };
    });
  }

  /**
   * timm's forward_head on features [batch, tokens, dim] in engine memory: global_pool_nlc ('token': the
   * first token; avg / max / avgmax over the tokens after the prefix unless pool_include_prefix, as a
   * [batch, 1, count, dim] map; '': every token), fc_norm, then the head.
   */
  private headDevice(features: DeviceTensor, options: TimmForwardHeadOptions, outputs: ForwardOutputs): DeviceTensor {
    const [batch, tokens, d] = features.shape;
    const type = this.args.globalPool;
    let pooled: DeviceTensor;
    if (type === '') {
      pooled = features;
    } else if (type === 'token') {
      pooled = outputs.alloc([batch, d]);
      this.engine.ops.copyRows({ x: features.data, out: pooled.data, rows: batch, cols: d, ldx: tokens * d });
    } else {
      const start = this.args.poolIncludePrefix ? 0 : this.numPrefixTokens;
      const count = tokens - start;
      if (count < 1) throw new RangeError(`global_pool ${type}: no tokens to pool`);
      pooled = outputs.alloc([batch, d]);
      this.engine.ops.adaptivePool2d({
        x: features.data.view(start * d), shape: [batch, 1, count, d], ldb: tokens * d, mode: type, outSize: [1, 1], out: pooled.data,
      });
    }
    const rows = pooled.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    if (this.fcNorm) {
      // fc_norm on a copy: the features may be the caller's (forwardHead) or `final` (kept for reading).
      const normed = outputs.alloc(pooled.shape);
      this.fcNorm.forward(pooled.data, rows, normed.data);
      pooled = normed;
    }
    if (options.preLogits || !this.head) return pooled;
    const logits = outputs.alloc([...pooled.shape.slice(0, -1), this.head.outFeatures]);
    this.head.forward({ x: pooled.data, rows, out: logits.data });
    return logits;
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
  private positions(grid: readonly [number, number]): DeviceArray | null {
    if (!this.posEmbed) return null;
    if (!this.args.dynamicImgSize) return this.posEmbed;
    const key = `${grid[0]}x${grid[1]}`;
    let table = this.resampled.get(key);
    if (!table) {
      const trainGrid = this.patchEmbed.grid(this.args.imgSize[0], this.args.imgSize[1]);
      const prefix = this.args.noEmbedClass ? 0 : this.numPrefixTokens;
      table = resampleAbsPosEmbed(this.arena, this.posEmbed, this.args.embedDim, grid, trainGrid, prefix);
      this.resampled.set(key, table);
    }
    return table;
  }

  /** Runs `body` alone on this model (its run state is shared), with outputs freed afterwards. */
  private session<T>(body: (outputs: ForwardOutputs) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      if (this.disposed) throw new Error(`${this.architecture}: disposed (its weights were freed)`);
      return withOutputs(this.arena, body);
    });
  }

  /**
   * timm's patch_embed + _pos_embed + norm_pre, blocks 0 … layers-1, then the final norm, into `outputs`:
   * forward_features of what ran, and the residual streams after the blocks in `keep`.
   */
  private async run(pixelValues: Tensor, layers: number, keep: readonly number[], outputs: ForwardOutputs): Promise<{ features: DeviceTensor; hidden: Map<number, DeviceTensor>; grid: [number, number] }> {
    const shape = checkTimmPixels(pixelValues, this.args.inChans);
    const grid = this.inputGrid(shape);
    const [batch, channels, height, width] = shape;
    const d = this.args.embedDim;
    const prefix = this.numPrefixTokens;
    const patches = grid[0] * grid[1];
    const tokens = prefix + patches;
    const pos = this.positions(grid);
    // no_embed_class: positions cover the patches only (prefix tokens get none); else prefix rows come first.
    const posPrefix = pos && !this.args.noEmbedClass ? prefix : 0;
    if (pos && pos.length !== (posPrefix + patches) * d) {
      // timm fails the same way (x + pos_embed): only dynamic_img_size resamples the table.
      throw new RangeError(`position embeddings cover ${pos.length / d - posPrefix} patches, the input has ${grid[0]}x${grid[1]}; set dynamic_img_size to resample them`);
    }
    const image = channels * height * width;
    const features = outputs.alloc([batch, tokens, d]);
    const hidden = new Map(keep.map((i) => [i, outputs.alloc([batch, tokens, d])] as const));
    const state = this.state;
    await runTransformer({
      what: `${this.architecture} forward`, engine: this.engine, state,
      batch, tokens, dim: d, mlpDim: this.args.mlpHidden, heads: this.args.numHeads,
      blocks: this.blocks, layers, implementation: this.attnImplementation,
      embedLengths: (images) => ({ pixels: images * image, patchRows: this.patchEmbed.rowsLength(images, grid), patches: images * patches * d }),
      embed: (b0, n, out) => {
        const pixels = state.view('pixels', n * image);
        this.engine.write(pixels, pixelValues.data.subarray(b0 * image, (b0 + n) * image));
        const embedded = state.view('patches', n * patches * d);
        // dynamic_img_pad: a grid past the image reads zeros there (F.pad on the bottom and right).
        this.patchEmbed.forward(pixels, [n, channels, height, width], grid, state.view('patchRows', this.patchEmbed.rowsLength(n, grid)), embedded);
        this.engine.ops.embedTokens({
          patches: embedded, prefix: this.prefixTokens, pos, posIncludesPrefix: posPrefix > 0, out,
          batch: n, prefixCount: prefix, patchCount: patches, dim: d,
        });
        this.normPre?.forward(out, n * tokens, out);
      },
      finalNorm: this.norm ? (x, rows, out) => this.norm!.forward(x, rows, out) : null,
      hidden: new Map([...hidden].map(([i, t]) => [i, t.data])),
      final: features.data,
    });
    return { features, hidden, grid };
  }
}

