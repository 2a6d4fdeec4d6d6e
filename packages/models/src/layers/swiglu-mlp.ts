import type { Arena, DeviceArray, Engine } from '@purevit/core';
import type { FeedForward } from './feed-forward.js';
import { Linear, type LinearWeights } from './linear.js';

/**
 * DINOv2's SwiGLU FFN (transformers' Dinov2SwiGLUFFN): `weights_in` (dim → 2·width) → chunk(2) →
 * silu(x1) · x2 → `weights_out` (width → dim). The two halves of weights_in are separate GEMMs (each
 * output is the same dot product as in the fused one), silu fused into the first; then one elementwise
 * product and weights_out with the residual in its epilogue. Scratch per row: both halves (2·width).
 */
export class SwiGluMlp implements FeedForward {
  readonly dim: number;
  readonly width: number;
  readonly hiddenDim: number;
  readonly engine: Engine;

  constructor(
    readonly gate: Linear, // dim → width, silu (x1)
    readonly up: Linear, // dim → width (x2)
    readonly down: Linear, // width → dim
  ) {
    if (gate.outFeatures !== up.outFeatures || gate.inFeatures !== up.inFeatures || down.inFeatures !== gate.outFeatures || down.outFeatures !== gate.inFeatures) {
      throw new RangeError(`SwiGluMlp: halves ${gate.inFeatures}→${gate.outFeatures} / ${up.inFeatures}→${up.outFeatures} and out ${down.inFeatures}→${down.outFeatures} do not fit`);
    }
    this.dim = gate.inFeatures;
    this.width = gate.outFeatures;
    this.hiddenDim = 2 * this.width;
    this.engine = gate.engine;
  }

  /** From weights_in [2·width, dim] (+ bias) and weights_out [dim, width]: weights_in's rows split at width (torch's chunk(2)). */
  static fromWeights(arena: Arena, weightsIn: LinearWeights, weightsOut: LinearWeights): SwiGluMlp {
    const width = weightsIn.outFeatures / 2;
    const d = weightsIn.inFeatures;
    if (!Number.isInteger(width)) throw new RangeError(`SwiGluMlp: weights_in has an odd number of outputs (${weightsIn.outFeatures})`);
    const half = (k: number): LinearWeights => ({
      weight: weightsIn.weight.slice(k * width * d, (k + 1) * width * d),
      bias: weightsIn.bias && weightsIn.bias.slice(k * width, (k + 1) * width),
      outFeatures: width,
      inFeatures: d,
    });
    return new SwiGluMlp(new Linear(arena, half(0)), new Linear(arena, half(1)), new Linear(arena, weightsOut));
  }

  forward(x: DeviceArray, rows: number, out: DeviceArray, hidden: DeviceArray, residual?: DeviceArray): void {
    const n = rows * this.width;
    const gated = hidden.view(0, n); // [rows, width] silu(x1), then silu(x1)·x2
    const up = hidden.view(n, n); // [rows, width] x2
    this.gate.forward({ x, rows, out: gated, activation: 'silu' });
    this.up.forward({ x, rows, out: up });
    this.engine.ops.binaryBroadcast({ a: gated, b: up, out: gated, op: 'mul', outer: n, mid: 1, inner: 1 });
    this.down.forward({ x: gated, rows, out, residual });
  }
}
