import type { Arena, DeviceArray, Engine, PreparedLinear } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/**
 * Conv2d with kernel = stride = patch as one GEMM over the image's patches: pixels [B, C, H, W] → patch
 * rows (op patchify, torch's weight order) → tokens [B·gh·gw, dim]. The conv weight [dim, C, ph, pw] is
 * the linear weight [dim, C·ph·pw] as it is.
 */
export class PatchEmbed {
  readonly engine: Engine;
  readonly prepared: PreparedLinear;

  constructor(
    arena: Arena,
    weight: Float32Array, // [dim, channels, ph, pw]
    bias: Float32Array | null, // [dim]
    readonly dim: number,
    readonly channels: number,
    readonly patch: readonly [number, number],
  ) {
    this.engine = arena.engine;
    this.prepared = arena.prepareLinear(weight, bias, dim, channels * patch[0] * patch[1]);
  }

  static async load(arena: Arena, scope: WeightScope, dim: number, channels: number, patch: readonly [number, number], bias = true): Promise<PatchEmbed> {
    const weight = await scope.get('weight', [dim, channels, patch[0], patch[1]]);
    return new PatchEmbed(arena, weight, bias ? await scope.get('bias', [dim]) : null, dim, channels, patch);
  }

  /** Patch grid of an input: the remainder that does not fill a patch is dropped, as the conv does. */
  grid(height: number, width: number): [number, number] {
    return [Math.floor(height / this.patch[0]), Math.floor(width / this.patch[1])];
  }

  /** Floats of the patch rows of `batch` images on a grid [batch·gh·gw, channels·ph·pw] (the `rows` of forward). */
  rowsLength(batch: number, grid: readonly [number, number]): number {
    return batch * grid[0] * grid[1] * this.channels * this.patch[0] * this.patch[1];
  }

  /**
   * out [batch·gh·gw, dim] = the patch tokens of `pixels` [batch, C, H, W] on `grid` (smaller than the image:
   * the remainder is dropped; larger: zero padding on the bottom / right, timm's dynamic_img_pad).
   */
  forward(pixels: DeviceArray, shape: readonly [number, number, number, number], grid: readonly [number, number], rows: DeviceArray, out: DeviceArray): void {
    if (shape[1] !== this.channels) {
      throw new RangeError(`pixel values have ${shape[1]} channels, the model expects ${this.channels}`);
    }
    this.engine.ops.patchify({ pixels, shape, patch: this.patch, grid, out: rows });
    this.engine.ops.linear({ x: rows, rows: shape[0] * grid[0] * grid[1], weight: this.prepared, out });
  }
}
