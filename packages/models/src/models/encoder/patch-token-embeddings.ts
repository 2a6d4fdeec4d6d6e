import type { Arena, DeviceArray, InterpolateOptions } from '@purevit/core';
import type { PatchEmbed } from '../../layers/patch-embed.js';
import { resamplePosEmbed } from '../../layers/pos-embed.js';
import type { EmbedChunk, TokenEmbeddings } from './token-embeddings.js';

/** When a family resizes its position table to the input's patch grid. */
export type PositionResize =
  /** Only with interpolatePosEncoding (ViT, DeiT, ViTMSN): otherwise the input must give the table's patch count. */
  | 'on-request'
  /** Whenever the input's grid differs (DINOv2, BEiT's absolute positions): there is no flag. */
  | 'always';

export interface PatchTokenEmbeddingsOptions {
  /** For error messages ("DeiTModel"). */
  what: string;
  /** config image_size [height, width]. */
  imageSize: readonly [number, number];
  resize: PositionResize;
  /** transformers' F.interpolate call for the patch grid of the table. */
  resample: InterpolateOptions;
  /** Refuse inputs of another size unless interpolating (the ViT / ViTMSN patch embeddings check it; DeiT's do not). */
  strictImageSize: boolean;
}

/**
 * The embeddings of the transformers ViT family and its relatives, as one sequence of ops:
 * patch tokens (masked ones replaced by the mask token), `prefixCount` prefix tokens in front
 * ([CLS]; [CLS, DIST] for DeiT; [CLS, registers] for DINOv2 with registers), plus position embeddings
 * when the family has them. The checkpoint's table has a row for each of the first `positionedPrefix`
 * prefix tokens, then the patch grid; prefix tokens beyond those (DINOv2's registers, inserted after the
 * positions were added) get zero rows, so one embedTokens call adds everything (x + 0 = x).
 * Resized tables are made on the device per grid and cached in the arena.
 */
export class PatchTokenEmbeddings implements TokenEmbeddings {
  private readonly resized = new Map<string, DeviceArray>();
  /** The table with zero rows for unpositioned prefix tokens: [prefixCount + patches, dim] (null without positions). */
  private readonly full: DeviceArray | null;

  constructor(
    readonly arena: Arena,
    readonly patchEmbeddings: PatchEmbed,
    readonly prefix: DeviceArray | null, // [prefixCount, dim]
    readonly prefixTokens: number,
    /** The checkpoint's table [positionedPrefix + gh·gw, dim], or null (BEiT without absolute positions). */
    readonly positions: DeviceArray | null,
    readonly positionedPrefix: number,
    readonly positionGrid: readonly [number, number],
    readonly maskToken: DeviceArray | null, // [dim]
    readonly options: PatchTokenEmbeddingsOptions,
  ) {
    if (positionedPrefix > prefixTokens) throw new RangeError(`${options.what}: ${positionedPrefix} positioned prefix tokens of ${prefixTokens}`);
    this.full = positions && this.withPrefixRows(positions, positionGrid[0] * positionGrid[1]);
  }

  get dim(): number {
    return this.patchEmbeddings.dim;
  }

  /** Patches of the position table. */
  get numPositions(): number {
    return this.positionGrid[0] * this.positionGrid[1];
  }

  grid(height: number, width: number, interpolatePosEncoding: boolean): [number, number] {
    const { what, imageSize, resize, strictImageSize } = this.options;
    const interpolating = resize === 'always' || interpolatePosEncoding;
    if (strictImageSize && !interpolating && (height !== imageSize[0] || width !== imageSize[1])) {
      throw new RangeError(
        `${what}: Input image size (${height}*${width}) doesn't match model (${imageSize[0]}*${imageSize[1]}); resize the image or pass interpolatePosEncoding: true`,
      );
    }
    const grid = this.patchEmbeddings.grid(height, width);
    if (grid[0] < 1 || grid[1] < 1) throw new RangeError(`${what}: input image size (${height}*${width}) is smaller than one patch`);
    if (this.positions && !interpolating && grid[0] * grid[1] !== this.numPositions) {
      throw new RangeError(
        `${what}: a ${height}x${width} input has ${grid[0] * grid[1]} patches, the position embeddings ${this.numPositions}; pass interpolatePosEncoding: true to resize them`,
      );
    }
    return grid;
  }

  tokens(grid: readonly [number, number]): number {
    return this.prefixTokens + grid[0] * grid[1];
  }

  checkMaskable(): void {
    if (!this.maskToken) throw new Error(`${this.options.what}: boolMaskedPos needs a mask token, and this model has none (see its config's use_mask_token / load option useMaskToken)`);
  }

  lengths(images: number, _shape: readonly number[], grid: readonly [number, number]): Record<string, number> {
    return { patchRows: this.patchEmbeddings.rowsLength(images, grid), patches: images * grid[0] * grid[1] * this.dim };
  }

  forward(chunk: EmbedChunk, out: DeviceArray): void {
    const { images, shape, grid } = chunk;
    const patches = grid[0] * grid[1];
    const engine = this.arena.engine;
    const tokens = chunk.view('patches', images * patches * this.dim);
    this.patchEmbeddings.forward(chunk.pixels, shape, grid, chunk.view('patchRows', this.patchEmbeddings.rowsLength(images, grid)), tokens);
    const mask = chunk.perImage.get('mask');
    if (mask) {
      if (!this.maskToken) this.checkMaskable();
      engine.ops.maskTokens({ x: tokens, mask, token: this.maskToken!, rows: images * patches, dim: this.dim });
    }
    engine.ops.embedTokens({
      patches: tokens, prefix: this.prefix, pos: this.positionsFor(grid, shape[2], shape[3], chunk.interpolatePosEncoding),
      posIncludesPrefix: true, out, batch: images, prefixCount: this.prefixTokens, patchCount: patches, dim: this.dim,
    });
  }

  /**
   * The table for a grid: the checkpoint's when the patch count matches and the image is square
   * (transformers' interpolate_pos_encoding returns it unchanged then — also for a non-square grid of the
   * same count), else its sqrt(N) x sqrt(N) patch grid resized to the input's grid.
   */
  positionsFor(grid: readonly [number, number], height: number, width: number, interpolatePosEncoding: boolean): DeviceArray | null {
    if (!this.full || !this.positions) return null;
    const resizing = this.options.resize === 'always' || interpolatePosEncoding;
    if (!resizing || (grid[0] * grid[1] === this.numPositions && height === width)) return this.full;
    const key = `${grid[0]}x${grid[1]}`;
    let table = this.resized.get(key);
    if (!table) {
      const side = Math.round(Math.sqrt(this.numPositions));
      if (side * side !== this.numPositions) {
        throw new RangeError(`${this.options.what}: cannot interpolate ${this.numPositions} position embeddings, they do not form a square grid (as transformers requires)`);
      }
      const resampled = resamplePosEmbed(this.arena, this.positions, this.dim, this.positionedPrefix, [side, side], grid, this.options.resample);
      table = this.withPrefixRows(resampled, grid[0] * grid[1]);
      if (table !== resampled) this.arena.free(resampled);
      this.resized.set(key, table);
    }
    return table;
  }

  /** [positionedPrefix + patches] rows → [prefixTokens + patches] rows, zeros for the unpositioned prefix tokens. */
  private withPrefixRows(table: DeviceArray, patches: number): DeviceArray {
    const extra = this.prefixTokens - this.positionedPrefix;
    if (extra === 0) return table;
    const d = this.dim;
    const out = this.arena.alloc((this.prefixTokens + patches) * d);
    const engine = this.arena.engine;
    if (this.positionedPrefix > 0) engine.ops.copyRows({ x: table, out, rows: 1, cols: this.positionedPrefix * d });
    engine.ops.copyRows({ x: table.view(this.positionedPrefix * d), out: out.view(this.prefixTokens * d), rows: 1, cols: patches * d });
    return out;
  }
}
