import type { WeightScope } from '@purevit/weights';

/**
 * timm's LayerScale (CaiT / DeiT-3 / DINOv2 blocks: `ls1`, `ls2`): a learned per-channel gain on a
 * residual branch. Checkpoint: `<scope>.gamma` [dim].
 */
export class LayerScale {
  constructor(
    readonly gamma: Float32Array, // [dim]
    readonly dim: number,
  ) {
    if (gamma.length !== dim) throw new RangeError(`LayerScale: gamma has ${gamma.length} values, dim is ${dim}`);
  }

  static async load(scope: WeightScope, dim: number): Promise<LayerScale> {
    return new LayerScale(await scope.get('gamma', [dim]), dim);
  }

  /**
   * out[rows, dim] = residual + branch · gamma, as timm's `x + ls(branch)` (the product is rounded
   * to float32 before the add, as torch does). `out` may alias `branch` or `residual`.
   */
  addScaled(branch: Float32Array, residual: Float32Array, rows: number, out: Float32Array): void {
    const d = this.dim;
    const g = this.gamma;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      for (let c = 0; c < d; c++) out[o + c] = residual[o + c] + Math.fround(branch[o + c] * g[c]);
    }
  }
}
