/**
 * The data-movement ops on the 'js' backend (copies with `set` where rows are contiguous, tiled transposes),
 * and the elementwise ones whose loops need no more than the reference's order.
 */

import type { BinaryBroadcastArgs } from '../../../ops/binary-broadcast.js';
import type { CopyRowsArgs } from '../../../ops/copy-rows.js';
import type { EmbedTokensArgs } from '../../../ops/embed-tokens.js';
import { gatherIndex, type GatherRowsArgs } from '../../../ops/gather-rows.js';
import type { TransposeArgs } from '../../../ops/transpose.js';

export function copyRowsKernel(a: CopyRowsArgs<Float32Array>): void {
  const ldx = a.ldx ?? a.cols, ldo = a.ldo ?? a.cols;
  if (ldx === a.cols && ldo === a.cols) {
    a.out.set(a.x.subarray(0, a.rows * a.cols));
    return;
  }
  for (let r = 0; r < a.rows; r++) a.out.set(a.x.subarray(r * ldx, r * ldx + a.cols), r * ldo);
}

/** Each gathered row copied with one `set`. */
export function gatherRowsKernel(a: GatherRowsArgs<Float32Array>): void {
  const { batch, rows, count, dim } = a;
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < count; k++) {
      const src = (b * rows + gatherIndex(a.index, b * count + k, rows)) * dim;
      a.out.set(a.x.subarray(src, src + dim), (b * count + k) * dim);
    }
  }
}

const TILE = 32;

export function transposeKernel(a: TransposeArgs<Float32Array>): void {
  const { rows, cols, x, out } = a;
  const ldb = a.ldb ?? rows * cols;
  for (let b = 0; b < a.batch; b++) {
    const xb = b * ldb, ob = b * rows * cols;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(rows, i0 + TILE);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(cols, j0 + TILE);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[ob + j * rows + i] = x[xb + i * cols + j];
      }
    }
  }
}

export function embedTokensKernel(a: EmbedTokensArgs<Float32Array>): void {
  const { batch, prefixCount, patchCount, dim, pos, out } = a;
  const tokens = prefixCount + patchCount;
  const posPrefix = a.posIncludesPrefix ? prefixCount : 0;
  for (let b = 0; b < batch; b++) {
    const row = b * tokens * dim;
    if (a.prefix) {
      for (let i = 0; i < prefixCount * dim; i++) out[row + i] = pos && a.posIncludesPrefix ? a.prefix[i] + pos[i] : a.prefix[i];
    }
    const src = b * patchCount * dim, dst = row + prefixCount * dim, p0 = posPrefix * dim;
    if (pos) for (let i = 0; i < patchCount * dim; i++) out[dst + i] = a.patches[src + i] + pos[p0 + i];
    else out.set(a.patches.subarray(src, src + patchCount * dim), dst);
  }
}

export function binaryBroadcastKernel(a: BinaryBroadcastArgs<Float32Array>): void {
  const { outer, mid, inner, b } = a;
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      const at = (o * mid + m) * inner, bo = o * inner;
      if (a.op === 'add') for (let i = 0; i < inner; i++) a.out[at + i] = a.a[at + i] + b[bo + i];
      else for (let i = 0; i < inner; i++) a.out[at + i] = a.a[at + i] * b[bo + i];
    }
  }
}
