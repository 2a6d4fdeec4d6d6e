import type { Linear } from '../../layers/linear.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';

/**
 * The few sequence steps the relatives' heads take, as engine ops on device tensors: a classifier on
 * rows, the mean of two equally shaped tensors, the mean of the tokens after a prefix.
 */

/** linear(x [rows, in]) → [rows, out]; x itself when there is no linear (transformers' Identity for num_labels 0). */
export function applyLinear(x: DeviceTensor, linear: Linear | null, outputs: ForwardOutputs): DeviceTensor {
  if (!linear) return x;
  const rows = x.shape[0];
  const out = outputs.alloc([rows, linear.outFeatures]);
  linear.forward({ x: x.data, rows, out: out.data });
  return out;
}

/** (a + b) / 2, each step rounded to float32 as torch computes it (the halving is exact). */
export function averageDevice(a: DeviceTensor, b: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
  const n = a.shape.reduce((x, y) => x * y, 1);
  const out = outputs.alloc(a.shape);
  const ops = outputs.arena.engine.ops;
  ops.binaryBroadcast({ a: a.data, b: b.data, out: out.data, op: 'add', outer: n, mid: 1, inner: 1 });
  ops.binaryBroadcast({ a: out.data, b: outputs.uploadArray(Float32Array.of(0.5)), out: out.data, op: 'mul', outer: 1, mid: n, inner: 1 });
  return out;
}

/**
 * The mean over the tokens from `from` on of x [batch, tokens, dim] → [batch, dim], into `out` (rows `ldo`
 * apart, default dim) when given: torch's `x[:, from:].mean(1)`, as a global average pool of the tokens.
 */
export function meanTokensDevice(x: DeviceTensor, from: number, outputs: ForwardOutputs, out?: { tensor: DeviceTensor; offset: number; ldo: number }): DeviceTensor {
  const [batch, tokens, dim] = x.shape;
  const target = out?.tensor ?? outputs.alloc([batch, dim]);
  outputs.arena.engine.ops.adaptivePool2d({
    x: x.data.view(from * dim), shape: [batch, 1, tokens - from, dim], ldb: tokens * dim, mode: 'avg', outSize: [1, 1],
    out: out ? target.data.view(out.offset) : target.data, ldo: out?.ldo ?? dim,
  });
  return target;
}
