import { layerNorm } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/** torch nn.LayerNorm over the last axis (affine), with the checkpoint's eps. */
export class LayerNorm {
  constructor(
    readonly weight: Float32Array | null, // [dim]
    readonly bias: Float32Array | null, // [dim]
    readonly dim: number,
    readonly eps: number,
  ) {}

  static async load(scope: WeightScope, dim: number, eps: number): Promise<LayerNorm> {
    return new LayerNorm(await scope.get('weight', [dim]), await scope.get('bias', [dim]), dim, eps);
  }

  /** out[rows, dim] = LN(x[rows, dim]); `out` may alias `x`. */
  forward(x: Float32Array, rows: number, out: Float32Array): void {
    layerNorm(x, rows, this.dim, this.weight, this.bias, this.eps, out);
  }
}
