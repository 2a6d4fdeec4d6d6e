import { allocFloat32 } from '@purevit/core';

/**
 * Activations of one transformer block, allocated once per forward (one buffer, several views) and
 * reused by every block of the stack. `rows` = batch · tokens.
 */
export class BlockScratch {
  readonly normed: Float32Array; // [rows, dim]     norm1 / norm2 output
  readonly qkv: Float32Array; // [rows, 3·dim]      fused q | k | v projection
  readonly context: Float32Array; // [rows, dim]    attention output before the output projection
  readonly mid: Float32Array; // [rows, dim]        residual stream between the attention and MLP halves
  readonly mlpHidden: Float32Array; // [rows, mlpDim]

  constructor(readonly rows: number, readonly dim: number, readonly mlpDim: number) {
    const sizes = [rows * dim, rows * 3 * dim, rows * dim, rows * dim, rows * mlpDim];
    const buffer = allocFloat32(sizes.reduce((a, b) => a + b, 0));
    const views: Float32Array[] = [];
    let at = 0;
    for (const n of sizes) {
      views.push(buffer.subarray(at, at + n));
      at += n;
    }
    [this.normed, this.qkv, this.context, this.mid, this.mlpHidden] = views;
  }
}
