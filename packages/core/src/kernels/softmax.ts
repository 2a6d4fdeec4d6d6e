import { checkLength, checkSize } from './check.js';
import { expf } from './exp.js';

/**
 * Softmax over the last axis of [rows, cols]: max, then exp(x - max) and its sum, then one scale.
 * Stable for large magnitudes; a row of only -Infinity, or with a NaN or +Infinity, gives NaN as torch.
 * `out` may alias `x`.
 */
export function softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  checkSize('softmax', 'rows', rows);
  checkSize('softmax', 'cols', cols);
  checkLength('softmax', 'x', x, rows * cols);
  checkLength('softmax', 'out', out, rows * cols);
  softmaxRows(x, 0, rows, cols, out);
}

/** `softmax` restricted to rows [rowStart, rowEnd). */
export function softmaxRows(x: Float32Array, rowStart: number, rowEnd: number, cols: number, out: Float32Array): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const o = r * cols;
    const end = o + cols;
    let max = -Infinity;
    for (let i = o; i < end; i++) if (x[i] > max) max = x[i];
    // A NaN is skipped by the max but turns the sum (and so the row) into NaN below.
    let sum = 0;
    for (let i = o; i < end; i++) {
      const e = expf(x[i] - max);
      out[i] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let i = o; i < end; i++) out[i] *= inv;
  }
}
