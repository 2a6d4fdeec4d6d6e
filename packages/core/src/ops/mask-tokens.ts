/**
 * Op `maskTokens`: replaces the masked rows of x [rows, dim] by the mask token, in place (transformers'
 * bool_masked_pos in ViTEmbeddings: x·(1 − mask) + token·mask with a 0/1 mask, i.e. a selection).
 */

import { checkLength, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface MaskTokensArgs<A> {
  /** [rows, dim], updated in place. */
  x: A;
  /** [rows]: non-zero = replace the row. */
  mask: A;
  /** [dim]. */
  token: A;
  rows: number;
  dim: number;
}

export const maskTokens = declareOp({
  name: 'maskTokens',
  outputs: ['x'],
  check(a: MaskTokensArgs<Sized>): void {
    checkSize('maskTokens', 'rows', a.rows);
    checkSize('maskTokens', 'dim', a.dim);
    checkLength('maskTokens', 'x', a.x, a.rows * a.dim);
    checkLength('maskTokens', 'mask', a.mask, a.rows);
    checkLength('maskTokens', 'token', a.token, a.dim);
  },
  reference(a: MaskTokensArgs<Float32Array>): void {
    for (let r = 0; r < a.rows; r++) if (a.mask[r] !== 0) a.x.set(a.token.subarray(0, a.dim), r * a.dim);
  },
});
