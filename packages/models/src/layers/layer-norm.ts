import type { Arena, Engine } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/** torch nn.LayerNorm over the last axis (affine), with the checkpoint's eps; its parameters live in engine memory. */
export class LayerNorm {
  readonly engine: Engine;
  readonly weight: Float32Array | null; // [dim]
  readonly bias: Float32Array | null; // [dim]

  constructor(
    arena: Arena,
    weight: Float32Array | null, // [dim]
    bias: Float32Array | null, // [dim]
    readonly dim: number,
    readonly eps: number,
  ) {
    this.engine = arena.engine;
    this.weight = weight && arena.copy(weight);
    this.bias = bias && arena.copy(bias);
  }

  static async load(arena: Arena, scope: WeightScope, dim: number, eps: number): Promise<LayerNorm> {
    return new LayerNorm(arena, await scope.get('weight', [dim]), await scope.get('bias', [dim]), dim, eps);
  }

  /** out[rows, dim] = LN(x[rows, dim]); `out` may alias `x`. */
  forward(x: Float32Array, rows: number, out: Float32Array): Promise<void> {
    return this.engine.layerNorm(x, rows, this.dim, this.weight, this.bias, this.eps, out);
  }
}
