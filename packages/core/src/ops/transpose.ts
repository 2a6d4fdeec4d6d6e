/**
 * Op `transpose`: out[b, j, i] = x[b, i, j] for a batch of [rows, cols] matrices — NCHW ↔ NHWC ([n, c, h·w]
 * ↔ [n, h·w, c]), and patch tokens [batch, gh·gw, dim] → feature maps [batch, dim, gh, gw]. The input's
 * matrices may be `ldb` elements apart (tokens after prefix tokens); the output's are dense.
 */

import { checkLength, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface TransposeArgs<A> {
  x: A;
  /** [batch, cols, rows]; must not overlap x. */
  out: A;
  batch: number;
  rows: number;
  cols: number;
  /** Elements between x's matrices (default rows·cols). */
  ldb?: number;
}

export const transpose = declareOp({
  name: 'transpose',
  outputs: ['out'],
  check(a: TransposeArgs<Sized>): void {
    checkSize('transpose', 'batch', a.batch);
    checkSize('transpose', 'rows', a.rows);
    checkSize('transpose', 'cols', a.cols);
    const size = a.rows * a.cols;
    const ldb = a.ldb ?? size;
    if (!Number.isSafeInteger(ldb) || ldb < size) throw new RangeError(`transpose: batch stride ${ldb} is smaller than a ${a.rows}x${a.cols} matrix`);
    checkLength('transpose', 'x', a.x, a.batch === 0 ? 0 : (a.batch - 1) * ldb + size);
    checkLength('transpose', 'out', a.out, a.batch * size);
  },
  reference(a: TransposeArgs<Float32Array>): void {
    const { rows, cols } = a;
    const ldb = a.ldb ?? rows * cols;
    for (let b = 0; b < a.batch; b++)
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) a.out[(b * cols + j) * rows + i] = a.x[b * ldb + i * cols + j];
  },
});
