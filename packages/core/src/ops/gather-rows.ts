/**
 * Op `gatherRows`: out[b, k, :] = x[b, index[b, k], :] — rows picked by integer position, per batch:
 * ViTMAE's kept patches (the smallest-noise ones) and its decoder's un-shuffle by ids_restore, BEiT's
 * relative-position-bias rows by relative_position_index. `index` holds integers in float32 (exact below
 * 2^24); one outside [0, rows) is an error when the op executes.
 */

import { checkLength, checkPositive, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface GatherRowsArgs<A> {
  /** [batch, rows, dim]. */
  x: A;
  /** [batch, count]: row numbers into each batch's rows. */
  index: A;
  /** [batch, count, dim]; must not overlap x. */
  out: A;
  batch: number;
  rows: number;
  count: number;
  dim: number;
}

export const gatherRows = declareOp({
  name: 'gatherRows',
  outputs: ['out'],
  check(a: GatherRowsArgs<Sized>): void {
    checkSize('gatherRows', 'batch', a.batch);
    checkPositive('gatherRows', 'rows', a.rows);
    checkSize('gatherRows', 'count', a.count);
    checkSize('gatherRows', 'dim', a.dim);
    checkLength('gatherRows', 'x', a.x, a.batch * a.rows * a.dim);
    checkLength('gatherRows', 'index', a.index, a.batch * a.count);
    checkLength('gatherRows', 'out', a.out, a.batch * a.count * a.dim);
  },
  reference(a: GatherRowsArgs<Float32Array>): void {
    const { batch, rows, count, dim } = a;
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < count; k++) {
        const r = gatherIndex(a.index, b * count + k, rows);
        for (let j = 0; j < dim; j++) a.out[(b * count + k) * dim + j] = a.x[(b * rows + r) * dim + j];
      }
    }
  },
});

/** index[at] as a row number, checked to be an integer in [0, rows). Shared by the reference and the kernels. */
export function gatherIndex(index: Float32Array, at: number, rows: number): number {
  const r = index[at];
  if (!Number.isInteger(r) || r < 0 || r >= rows) throw new RangeError(`gatherRows: index[${at}] = ${r} is not a row number in 0..${rows - 1}`);
  return r;
}
