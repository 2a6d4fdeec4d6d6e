import type { Arena, DeviceArray } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { PatchEmbed } from '../../layers/patch-embed.js';
import { resamplePosEmbed } from '../../layers/pos-embed.js';
import type { ViTConfig } from './vit-config.js';

/** The run-state buffers of one embedding call (views sized by ViTEmbeddings.lengths). */
export interface EmbeddingBuffers {
  pixels: DeviceArray; // [n, C, H, W]
  patchRows: DeviceArray; // [n·gh·gw, C·ph·pw]
  patches: DeviceArray; // [n·gh·gw, dim]
  /** [n·gh·gw] 0/1, or null without boolMaskedPos. */
  mask: DeviceArray | null;
}

/**
 * transformers' ViTEmbeddings: [CLS] + patch tokens (masked ones replaced by the mask token) +
 * position embeddings, resampled to the input's patch grid on request.
 * Checkpoint names: embeddings.{patch_embeddings.projection, cls_token, position_embeddings, mask_token}.
 */
export class ViTEmbeddings {
  /** Patch grid → resampled position embeddings [1 + gh·gw, dim] (deterministic, so cached in the arena). */
  private readonly resampled = new Map<string, DeviceArray>();

  constructor(
    readonly arena: Arena,
    readonly patchEmbeddings: PatchEmbed,
    readonly clsToken: DeviceArray, // [dim]
    readonly positionEmbeddings: DeviceArray, // [1 + numPositions, dim]
    readonly maskToken: DeviceArray | null, // [dim]
    readonly imageSize: readonly [number, number],
    readonly numPositions: number,
  ) {}

  static async load(arena: Arena, scope: WeightScope, config: ViTConfig, useMaskToken: boolean): Promise<ViTEmbeddings> {
    const d = config.hiddenSize;
    const n = config.numPatches;
    const projection = await PatchEmbed.load(arena, scope.pp('patch_embeddings').pp('projection'), d, config.numChannels, config.patchSize2);
    const cls = arena.upload(await scope.get('cls_token', [1, 1, d]));
    const mask = useMaskToken ? arena.upload(await scope.get('mask_token', [1, 1, d])) : null;
    const positions = arena.upload(await scope.get('position_embeddings', [1, n + 1, d]));
    return new ViTEmbeddings(arena, projection, cls, positions, mask, config.imageSize2, n);
  }

  get dim(): number {
    return this.patchEmbeddings.dim;
  }

  /** Patch grid for an input size; without interpolation the size must be the training resolution. */
  grid(height: number, width: number, interpolatePosEncoding: boolean): [number, number] {
    if (!interpolatePosEncoding && (height !== this.imageSize[0] || width !== this.imageSize[1])) {
      throw new RangeError(
        `Input image size (${height}*${width}) doesn't match model (${this.imageSize[0]}*${this.imageSize[1]}); ` +
          'resize the image or pass interpolatePosEncoding: true',
      );
    }
    const [gh, gw] = this.patchEmbeddings.grid(height, width);
    if (gh < 1 || gw < 1) throw new RangeError(`Input image size (${height}*${width}) is smaller than one patch`);
    return [gh, gw];
  }

  /** Run-state floats for `images` images of `shape` [_, C, H, W] on `grid`. */
  lengths(images: number, shape: readonly number[], grid: readonly [number, number], masked: boolean): Record<string, number> {
    const patches = images * grid[0] * grid[1];
    return {
      pixels: images * shape[1] * shape[2] * shape[3],
      patchRows: this.patchEmbeddings.rowsLength(images, grid),
      patches: patches * this.dim,
      mask: masked ? patches : 0,
    };
  }

  /**
   * out [n, 1 + gh·gw, dim] = the embeddings of buffers.pixels [n, C, H, W]; masked patches (buffers.mask)
   * are replaced by the mask token before the position embeddings are added.
   */
  forward(buffers: EmbeddingBuffers, shape: readonly [number, number, number, number], interpolatePosEncoding: boolean, out: DeviceArray): void {
    const [n, , height, width] = shape;
    const grid = this.grid(height, width, interpolatePosEncoding);
    const patches = grid[0] * grid[1];
    const engine = this.arena.engine;
    this.patchEmbeddings.forward(buffers.pixels, shape, grid, buffers.patchRows, buffers.patches);
    if (buffers.mask) {
      if (!this.maskToken) throw new Error('boolMaskedPos needs a mask token: load the model with useMaskToken: true (ViTForMaskedImageModeling does)');
      engine.ops.maskTokens({ x: buffers.patches, mask: buffers.mask, token: this.maskToken, rows: n * patches, dim: this.dim });
    }
    const pos = interpolatePosEncoding ? this.positions(grid, height, width) : this.positionEmbeddings;
    engine.ops.embedTokens({
      patches: buffers.patches, prefix: this.clsToken, pos, posIncludesPrefix: true, out,
      batch: n, prefixCount: 1, patchCount: patches, dim: this.dim,
    });
  }

  /**
   * Position embeddings for a gh × gw grid, as transformers' interpolate_pos_encoding: kept when the patch
   * count matches and the image is square, otherwise the square grid is resized bicubically
   * (align_corners=False, no antialias) to (H // patch, W // patch).
   */
  private positions(grid: readonly [number, number], height: number, width: number): DeviceArray {
    const [gh, gw] = grid;
    if (gh * gw === this.numPositions && height === width) return this.positionEmbeddings;
    const key = `${gh}x${gw}`;
    let table = this.resampled.get(key);
    if (!table) {
      const side = Math.floor(Math.sqrt(this.numPositions));
      if (side * side !== this.numPositions) {
        throw new RangeError(`cannot interpolate ${this.numPositions} position embeddings: they do not form a square grid`);
      }
      table = resamplePosEmbed(this.arena, this.positionEmbeddings, this.dim, 1, [side, side], grid, { mode: 'bicubic', alignCorners: false, antialias: false });
      this.resampled.set(key, table);
    }
    return table;
  }
}
