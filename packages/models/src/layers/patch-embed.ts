import { patchEmbed } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/** Conv2d with kernel = stride = patch, written token-major: pixels [B, C, H, W] → tokens [B, gh·gw, dim]. */
export class PatchEmbed {
  constructor(
    readonly weight: Float32Array, // [dim, channels, ph, pw]
    readonly bias: Float32Array | null, // [dim]
    readonly dim: number,
    readonly channels: number,
    readonly patch: readonly [number, number],
  ) {}

  static async load(scope: WeightScope, dim: number, channels: number, patch: readonly [number, number], bias = true): Promise<PatchEmbed> {
    const weight = await scope.get('weight', [dim, channels, patch[0], patch[1]]);
    return new PatchEmbed(weight, bias ? await scope.get('bias', [dim]) : null, dim, channels, patch);
  }

  /** Patch grid of an input: the remainder that does not fill a patch is dropped, as the conv does. */
  grid(height: number, width: number): [number, number] {
    return [Math.floor(height / this.patch[0]), Math.floor(width / this.patch[1])];
  }

  /**
   * Writes the patch tokens of `pixels` [B, C, H, W] into `out`: token (b, p) goes to
   * out[(b·tokenStride + tokenOffset + p)·dim …] — so the caller can leave room for prefix tokens.
   */
  forward(pixels: Float32Array, shape: readonly [number, number, number, number], out: Float32Array, tokenStride: number, tokenOffset: number): void {
    const [batch, channels, height, width] = shape;
    if (channels !== this.channels) {
      throw new RangeError(`pixel values have ${channels} channels, the model expects ${this.channels}`);
    }
    const [gh, gw] = this.grid(height, width);
    const n = gh * gw;
    const image = channels * height * width;
    const d = this.dim;
    // One image at a time so each image's tokens land directly after its prefix tokens.
    for (let b = 0; b < batch; b++) {
      const dst = out.subarray((b * tokenStride + tokenOffset) * d, (b * tokenStride + tokenOffset + n) * d);
      patchEmbed(pixels.subarray(b * image, (b + 1) * image), [1, channels, height, width], this.weight, this.bias, this.patch, dst);
    }
  }
}
