import { expf } from '../../../host/exp.js';
import type { SoftmaxArgs } from '../../../ops/softmax.js';

/**
 * Op `softmax` on the 'js' backend: max, then exp(x - max) and its sum, then one scale per row. A NaN is
 * skipped by the max but turns the sum (and so the row) into NaN.
 */
export function softmaxKernel(a: SoftmaxArgs<Float32Array>): void {
  softmaxRows(a.x, 0, a.rows, a.cols, a.out);
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
