/**
 * Op `softmax`: over the last axis of [rows, cols], stable for large magnitudes; a row with a NaN, or of
 * only -Infinity, is NaN (torch). `out` may be `x`.
 */

import { checkMatrix } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface SoftmaxArgs<A> {
  x: A;
  out: A;
  rows: number;
  cols: number;
}

export const softmax = declareOp({
  name: 'softmax',
  outputs: ['out'],
  check(a: SoftmaxArgs<Sized>): void {
    checkMatrix('softmax', 'x', a.x, a.rows, a.cols);
    checkMatrix('softmax', 'out', a.out, a.rows, a.cols);
  },
  reference(a: SoftmaxArgs<Float32Array>): void {
    const { rows, cols } = a;
    const e = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let i = 0; i < cols; i++) max = Math.max(max, a.x[o + i]);
      let sum = 0;
      for (let i = 0; i < cols; i++) sum += e[i] = Math.exp(a.x[o + i] - max);
      for (let i = 0; i < cols; i++) a.out[o + i] = e[i] / sum;
    }
  },
});
