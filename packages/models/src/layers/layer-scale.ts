import type { Arena, DeviceArray, Engine } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/**
 * timm's LayerScale (CaiT / DeiT-3 / DINOv2 blocks: `ls1`, `ls2`): a learned per-channel gain on a
 * residual branch. Checkpoint: `<scope>.gamma` [dim].
 */
export class LayerScale {
  readonly engine: Engine;
  readonly gamma: DeviceArray; // [dim]

  constructor(
    arena: Arena,
    gamma: Float32Array, // [dim]
    readonly dim: number,
  ) {
    if (gamma.length !== dim) throw new RangeError(`LayerScale: gamma has ${gamma.length} values, dim is ${dim}`);
    this.engine = arena.engine;
    this.gamma = arena.upload(gamma);
  }

  static async load(arena: Arena, scope: WeightScope, dim: number): Promise<LayerScale> {
    return new LayerScale(arena, await scope.get('gamma', [dim]), dim);
  }

  /**
   * out[rows, dim] = residual + branch · gamma, as timm's `x + ls(branch)` (the product rounded to float32
   * before the add, as torch). `out` may be `branch` or `residual`.
   */
  addScaled(branch: DeviceArray, residual: DeviceArray, rows: number, out: DeviceArray): void {
    this.engine.ops.scaleAdd({ x: branch, scale: this.gamma, residual, out, rows, dim: this.dim });
  }
}
