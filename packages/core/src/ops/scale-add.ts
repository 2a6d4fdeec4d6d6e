/**
 * Op `scaleAdd`: a per-channel affine map with an optional residual,
 *   out[r, j] = ((x[r, j] · scale[j]) + bias[j]) + residual[r, j]
 * each operation rounded to float32 (the ones whose operand is missing are skipped). timm's LayerScale on a
 * residual branch (`h + x·gamma`), and an eval BatchNorm after its statistics are folded into scale and bias.
 * `out` may be `x` or `residual`.
 */

import { checkLength, checkMatrix, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface ScaleAddArgs<A> {
  /** [rows, dim]. */
  x: A;
  /** [dim]. */
  scale: A;
  /** [dim], or none. */
  bias?: A | null;
  /** [rows, dim], or none. */
  residual?: A | null;
  out: A;
  rows: number;
  dim: number;
}

export const scaleAdd = declareOp({
  name: 'scaleAdd',
  outputs: ['out'],
  check(a: ScaleAddArgs<Sized>): void {
    checkSize('scaleAdd', 'rows', a.rows);
    checkSize('scaleAdd', 'dim', a.dim);
    checkMatrix('scaleAdd', 'x', a.x, a.rows, a.dim);
    checkLength('scaleAdd', 'scale', a.scale, a.dim);
    if (a.bias) checkLength('scaleAdd', 'bias', a.bias, a.dim);
    if (a.residual) checkMatrix('scaleAdd', 'residual', a.residual, a.rows, a.dim);
    checkMatrix('scaleAdd', 'out', a.out, a.rows, a.dim);
  },
  reference(a: ScaleAddArgs<Float32Array>): void {
    const f = Math.fround;
    for (let r = 0; r < a.rows; r++) {
      for (let j = 0; j < a.dim; j++) {
        const at = r * a.dim + j;
        let v = f(a.x[at] * a.scale[j]);
        if (a.bias) v = f(v + a.bias[j]);
        if (a.residual) v = f(v + a.residual[at]);
        a.out[at] = v;
      }
    }
  },
});
