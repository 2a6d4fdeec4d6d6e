import type { Arena, Engine, PreparedPatchEmbed } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/** Conv2d with kernel = stride = patch, written token-major: pixels [B, C, H, W] → tokens [B, gh·gw, dim]. */
export class PatchEmbed {
  readonly engine: Engine;
  /** The conv weight [dim, channels·ph·pw] packed for the engine's GEMM, and its bias. */
  readonly prepared: PreparedPatchEmbed;

  constructor(
    arena: Arena,
    weight: Float32Array, // [dim, channels, ph, pw]
    bias: Float32Array | null, // [dim]
    readonly dim: number,
    readonly channels: number,
    readonly patch: readonly [number, number],
  ) {
    this.engine = arena.engine;
    this.prepared = arena.preparePatchEmbed(weight, bias, dim, channels, patch);
  }

  static async load(arena: Arena, scope: WeightScope, dim: number, channels: number, patch: readonly [number, number], bias = true): Promise<PatchEmbed> {
    const weight = await scope.get('weight', [dim, channels, patch[0], patch[1]]);
    return new PatchEmbed(arena, weight, bias ? await scope.get('bias', [dim]) : null, dim, channels, patch);
  }

  /** Patch grid of an input: the remainder that does not fill a patch is dropped, as the conv does. */
  grid(height: number, width: number): [number, number] {
    return [Math.floor(height / this.patch[0]), Math.floor(width / this.patch[1])];
  }

  /** Floats of the gathered patches of `batch` images [batch·gh·gw, channels·ph·pw] (the `scratch` of forward). */
  scratchLength(batch: number, height: number, width: number): number {
    const [gh, gw] = this.grid(height, width);
    return batch * gh * gw * this.channels * this.patch[0] * this.patch[1];
  }

  /**
   * Writes the patch tokens of `pixels` [B, C, H, W] into `out`: token (b, p) goes to
   * out[(b·tokenStride + tokenOffset + p)·dim …] — so the caller can leave room for prefix tokens.
   */
  forward(
    pixels: Float32Array,
    shape: readonly [number, number, number, number],
    out: Float32Array,
    tokenStride: number,
    tokenOffset: number,
    scratch?: Float32Array,
  ): Promise<void> {
    if (shape[1] !== this.channels) {
      throw new RangeError(`pixel values have ${shape[1]} channels, the model expects ${this.channels}`);
    }
    return this.engine.patchEmbed(pixels, shape, this.prepared, out, { tokenStride, tokenOffset, scratch });
  }
}
