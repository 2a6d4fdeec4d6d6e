/**
 * Op `copyRows`: out[r, 0:cols] = x[r, 0:cols] for strided rows — selecting a token (the [CLS] of every
 * image: rows = batch, ldx = tokens·dim), dropping or keeping prefix tokens, gathering a block of columns.
 */

import { checkMatrix } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface CopyRowsArgs<A> {
  x: A;
  /** Must not overlap x. */
  out: A;
  rows: number;
  cols: number;
  /** Row strides (default cols). */
  ldx?: number;
  ldo?: number;
}

export const copyRows = declareOp({
  name: 'copyRows',
  outputs: ['out'],
  check(a: CopyRowsArgs<Sized>): void {
    checkMatrix('copyRows', 'x', a.x, a.rows, a.cols, a.ldx ?? a.cols);
    checkMatrix('copyRows', 'out', a.out, a.rows, a.cols, a.ldo ?? a.cols);
  },
  reference(a: CopyRowsArgs<Float32Array>): void {
    const ldx = a.ldx ?? a.cols, ldo = a.ldo ?? a.cols;
    for (let r = 0; r < a.rows; r++) for (let j = 0; j < a.cols; j++) a.out[r * ldo + j] = a.x[r * ldx + j];
  },
});
