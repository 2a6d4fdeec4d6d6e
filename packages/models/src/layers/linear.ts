import type { ActivationName, Arena, DeviceArray, Engine, PreparedLinear } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';

/** A torch nn.Linear's parameters as read from a checkpoint, before packing. */
export interface LinearWeights {
  weight: Float32Array; // [outFeatures, inFeatures]
  bias: Float32Array | null; // [outFeatures]
  outFeatures: number;
  inFeatures: number;
}

/** Reads `<scope>.weight` (and `<scope>.bias` when `bias`) in torch's [out, in] layout. */
export async function readLinear(scope: WeightScope, inFeatures: number, outFeatures: number, bias = true): Promise<LinearWeights> {
  return {
    weight: await scope.get('weight', [outFeatures, inFeatures]),
    bias: bias ? await scope.get('bias', [outFeatures]) : null,
    outFeatures,
    inFeatures,
  };
}

/**
 * Stacks linears that read the same input along the output axis (q, k, v → one qkv projection), so
 * one matmul computes all of them; row `r` of the result is [out₀ | out₁ | …]. (Checkpoint weights, before
 * they are packed.)
 */
export function concatLinears(parts: readonly LinearWeights[]): LinearWeights {
  const inFeatures = parts[0].inFeatures;
  if (parts.some((p) => p.inFeatures !== inFeatures)) throw new RangeError('concatLinears: parts read inputs of different widths');
  const outFeatures = parts.reduce((s, p) => s + p.outFeatures, 0);
  const weight = new Float32Array(outFeatures * inFeatures);
  const anyBias = parts.some((p) => p.bias !== null);
  const bias = anyBias ? new Float32Array(outFeatures) : null;
  let row = 0;
  for (const p of parts) {
    weight.set(p.weight, row * inFeatures);
    if (bias && p.bias) bias.set(p.bias, row); // a part without bias contributes zeros, as torch's bias=False
    row += p.outFeatures;
  }
  return { weight, bias, outFeatures, inFeatures };
}

export interface LinearForward {
  /** [rows, inFeatures] (row stride ldx). */
  x: DeviceArray;
  rows: number;
  /** [rows, outFeatures] (row stride ldo); must not overlap x. */
  out: DeviceArray;
  activation?: ActivationName;
  /** Added last; may be `out`. */
  residual?: DeviceArray | null;
  ldx?: number;
  ldo?: number;
  ldr?: number;
}

/** y = x·Wᵀ + b with an optional fused epilogue (activation, then residual add), on the arena's engine. */
export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly engine: Engine;
  /** The weight packed once for the engine's GEMM (the checkpoint's copy is not kept). */
  readonly prepared: PreparedLinear;

  constructor(arena: Arena, weights: LinearWeights) {
    this.inFeatures = weights.inFeatures;
    this.outFeatures = weights.outFeatures;
    this.engine = arena.engine;
    this.prepared = arena.prepareLinear(weights.weight, weights.bias, weights.outFeatures, weights.inFeatures);
  }

  static async load(arena: Arena, scope: WeightScope, inFeatures: number, outFeatures: number, bias = true): Promise<Linear> {
    return new Linear(arena, await readLinear(scope, inFeatures, outFeatures, bias));
  }

  /** out = act(x·Wᵀ + b) (+ residual). */
  forward(f: LinearForward): void {
    this.engine.ops.linear({ ...f, weight: this.prepared });
  }
}
