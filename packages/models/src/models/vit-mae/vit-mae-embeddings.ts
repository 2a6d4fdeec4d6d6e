import type { Arena, DeviceArray } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { PatchEmbed } from '../../layers/patch-embed.js';
import { resamplePosEmbed } from '../../layers/pos-embed.js';
import type { EmbedChunk, TokenEmbeddings } from '../encoder/token-embeddings.js';
import type { ViTMAEConfig } from './vit-mae-config.js';

/** The per-image input carrying the kept patches' numbers [batch, keep] (from random-masking.ts). */
export const KEPT_PATCHES = 'keep';

/**
 * transformers' ViTMAEEmbeddings: patch embeddings + position rows 1…L, then the random masking's kept
 * patches (gathered by index, smallest noise first), then [CLS] + position row 0 in front: a sequence of
 * 1 + int(L·(1 − mask_ratio)) tokens. The position table is the checkpoint's (the frozen sin-cos table, never
 * regenerated); with interpolatePosEncoding it is resized bicubic (align_corners=False, no antialias) to the
 * input's grid, otherwise the input must have the config's size.
 * Checkpoint: embeddings.{patch_embeddings.projection, cls_token, position_embeddings}.
 */
export class ViTMAEEmbeddings implements TokenEmbeddings {
  readonly prefixTokens = 1;
  private readonly resized = new Map<string, DeviceArray>();

  constructor(
    readonly arena: Arena,
    readonly config: ViTMAEConfig,
    readonly patchEmbeddings: PatchEmbed,
    readonly positions: DeviceArray, // [1 + gh·gw, dim]
    readonly clsWithPosition: DeviceArray, // [dim]: cls_token + position row 0
  ) {}

  static async load(arena: Arena, scope: WeightScope, config: ViTMAEConfig): Promise<ViTMAEEmbeddings> {
    const d = config.hiddenSize;
    const projection = await PatchEmbed.load(arena, scope.pp('patch_embeddings').pp('projection'), d, config.numChannels, config.patchSize2);
    const positions = arena.upload(await scope.get('position_embeddings', [1, config.numPatches + 1, d]));
    const cls = arena.upload(await scope.get('cls_token', [1, 1, d]));
    const clsWithPosition = arena.alloc(d);
    arena.engine.ops.binaryBroadcast({ a: cls, b: positions, out: clsWithPosition, op: 'add', outer: 1, mid: 1, inner: d });
    arena.free(cls);
    return new ViTMAEEmbeddings(arena, config, projection, positions, clsWithPosition);
  }

  get dim(): number {
    return this.patchEmbeddings.dim;
  }

  grid(height: number, width: number, interpolatePosEncoding: boolean): [number, number] {
    const [ih, iw] = this.config.imageSize2;
    if (!interpolatePosEncoding && (height !== ih || width !== iw)) {
      throw new RangeError(`ViTMAE: Input image size (${height}*${width}) doesn't match model (${ih}*${iw}); resize the image or pass interpolatePosEncoding: true`);
    }
    const grid = this.patchEmbeddings.grid(height, width);
    if (grid[0] < 1 || grid[1] < 1) throw new RangeError(`ViTMAE: input image size (${height}*${width}) is smaller than one patch`);
    return grid;
  }

  /** Patches the encoder keeps of a grid's. */
  kept(grid: readonly [number, number]): number {
    return this.config.keptPatches(grid[0] * grid[1]);
  }

  tokens(grid: readonly [number, number]): number {
    return 1 + this.kept(grid);
  }

  checkMaskable(): void {
    throw new Error('ViTMAE masks patches from its noise input (random masking); it takes no boolMaskedPos');
  }

  lengths(images: number, _shape: readonly number[], grid: readonly [number, number]): Record<string, number> {
    const patches = grid[0] * grid[1];
    return {
      patchRows: this.patchEmbeddings.rowsLength(images, grid),
      patches: images * patches * this.dim,
      positioned: images * patches * this.dim,
      kept: images * this.kept(grid) * this.dim,
    };
  }

  forward(chunk: EmbedChunk, out: DeviceArray): void {
    const { images, shape, grid } = chunk;
    const patches = grid[0] * grid[1];
    const keep = this.kept(grid);
    const d = this.dim;
    const ops = this.arena.engine.ops;
    const index = chunk.perImage.get(KEPT_PATCHES);
    if (!index) throw new Error('ViTMAE embeddings run without the random masking\'s kept patches');
    const tokens = chunk.view('patches', images * patches * d);
    this.patchEmbeddings.forward(chunk.pixels, shape, grid, chunk.view('patchRows', this.patchEmbeddings.rowsLength(images, grid)), tokens);
    const positioned = chunk.view('positioned', images * patches * d);
    const table = this.table(grid, chunk.interpolatePosEncoding);
    ops.embedTokens({ patches: tokens, prefix: null, pos: table.view(d), posIncludesPrefix: false, out: positioned, batch: images, prefixCount: 0, patchCount: patches, dim: d });
    const kept = chunk.view('kept', images * keep * d);
    ops.gatherRows({ x: positioned, index, out: kept, batch: images, rows: patches, count: keep, dim: d });
    ops.embedTokens({ patches: kept, prefix: this.clsWithPosition, pos: null, posIncludesPrefix: false, out, batch: images, prefixCount: 1, patchCount: keep, dim: d });
  }

  /**
   * The table for a grid: with interpolatePosEncoding ALWAYS resized (transformers compares the patch count
   * with the token count minus one, which never matches) — the identity on the native grid, so that one is kept.
   */
  private table(grid: readonly [number, number], interpolatePosEncoding: boolean): DeviceArray {
    const native = this.config.gridSize;
    if (!interpolatePosEncoding || (grid[0] === native[0] && grid[1] === native[1])) return this.positions;
    const key = `${grid[0]}x${grid[1]}`;
    let table = this.resized.get(key);
    if (!table) {
      const n = this.config.numPatches;
      const side = Math.round(Math.sqrt(n));
      if (side * side !== n) throw new RangeError(`ViTMAE: cannot interpolate ${n} position embeddings, they do not form a square grid (as transformers requires)`);
      table = resamplePosEmbed(this.arena, this.positions, this.dim, 1, [side, side], grid, { mode: 'bicubic', alignCorners: false, antialias: false });
      this.resized.set(key, table);
    }
    return table;
  }
}
