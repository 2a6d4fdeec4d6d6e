/**
 * Op `binaryBroadcast`: out[o, m, i] = a[o, m, i] (+ or ·) b[o, i], b broadcast over the middle axis, one
 * float32 operation per element. Covers adding a table to every image (outer 1, mid batch) and per-image,
 * per-channel gates over an NHWC map (squeeze-excitation: outer n, mid h·w, inner c). `out` may be `a`.
 */

import { checkLength, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface BinaryBroadcastArgs<A> {
  /** [outer, mid, inner]. */
  a: A;
  /** [outer, inner]. */
  b: A;
  /** [outer, mid, inner]; may be `a`. */
  out: A;
  op: 'add' | 'mul';
  outer: number;
  mid: number;
  inner: number;
}

export const binaryBroadcast = declareOp({
  name: 'binaryBroadcast',
  outputs: ['out'],
  check(x: BinaryBroadcastArgs<Sized>): void {
    if (x.op !== 'add' && x.op !== 'mul') throw new RangeError(`binaryBroadcast: op must be "add" or "mul", got ${JSON.stringify(x.op)}`);
    for (const k of ['outer', 'mid', 'inner'] as const) checkSize('binaryBroadcast', k, x[k]);
    checkLength('binaryBroadcast', 'a', x.a, x.outer * x.mid * x.inner);
    checkLength('binaryBroadcast', 'b', x.b, x.outer * x.inner);
    checkLength('binaryBroadcast', 'out', x.out, x.outer * x.mid * x.inner);
  },
  reference(x: BinaryBroadcastArgs<Float32Array>): void {
    const { outer, mid, inner } = x;
    for (let o = 0; o < outer; o++)
      for (let m = 0; m < mid; m++)
        for (let i = 0; i < inner; i++) {
          const at = (o * mid + m) * inner + i;
          const bv = x.b[o * inner + i];
          x.out[at] = x.op === 'add' ? x.a[at] + bv : x.a[at] * bv;
        }
  },
});
