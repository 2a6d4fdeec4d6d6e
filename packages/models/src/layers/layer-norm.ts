import type { Arena, DeviceArray, Engine } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/** Strided rows of segments, for the LayerNorm of part of each row (qk-norm: the heads of q inside the qkv rows). */
export interface LayerNormLayout {
  segments?: number;
  ldx?: number;
  ldo?: number;
}

/** torch nn.LayerNorm over the last axis (affine), with the checkpoint's eps; its parameters live in engine memory. */
export class LayerNorm {
  readonly engine: Engine;
  readonly weight: DeviceArray | null; // [dim]
  readonly bias: DeviceArray | null; // [dim]

  constructor(
    arena: Arena,
    weight: Float32Array | null, // [dim]
    bias: Float32Array | null, // [dim]
    readonly dim: number,
    readonly eps: number,
  ) {
    this.engine = arena.engine;
    this.weight = weight && arena.upload(weight);
    this.bias = bias && arena.upload(bias);
  }

  static async load(arena: Arena, scope: WeightScope, dim: number, eps: number): Promise<LayerNorm> {
    return new LayerNorm(arena, await scope.get('weight', [dim]), await scope.get('bias', [dim]), dim, eps);
  }

  /** out[rows, dim] = LN(x[rows, dim]) (or per segment of strided rows); `out` may be `x`. */
  forward(x: DeviceArray, rows: number, out: DeviceArray, layout: LayerNormLayout = {}): void {
    this.engine.ops.layerNorm({ x, out, rows, dim: this.dim, weight: this.weight, bias: this.bias, eps: this.eps, ...layout });
  }
}
