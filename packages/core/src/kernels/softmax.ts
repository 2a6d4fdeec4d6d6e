import { checkLength, checkSize } from './check.js';
import { softmaxReference } from '../reference/softmax.js';

/** Softmax over the last axis of [rows, cols]; stable for large magnitudes and -Infinity; `out` may alias `x`. */
export function softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  checkSize('softmax', 'rows', rows);
  checkSize('softmax', 'cols', cols);
  checkLength('softmax', 'x', x, rows * cols);
  checkLength('softmax', 'out', out, rows * cols);
  softmaxReference(x, rows, cols, out);
}
