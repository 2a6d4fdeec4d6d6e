import type { DeviceArray } from '@purevit/core';

/**
 * The MLP half of a transformer block, whatever its form (fc1 → act → fc2, or a gated unit such as
 * DINOv2's SwiGLU): dim → dim with `hiddenDim` floats of scratch per row.
 */
export interface FeedForward {
  readonly dim: number;
  /** Scratch floats per row that `forward` needs in `hidden`. */
  readonly hiddenDim: number;
  /** out[rows, dim] = ffn(x) (+ residual); `hidden` is scratch [rows, hiddenDim]. */
  forward(x: DeviceArray, rows: number, out: DeviceArray, hidden: DeviceArray, residual?: DeviceArray): void;
}
