/**
 * What the two attention ops share (attention-fused.ts, attention-eager.ts): scaled dot-product attention
 * softmax(q·kᵀ·scale)·v on token-major, strided buffers, so q, k and v can be views into one fused qkv
 * projection and `out` feeds the output projection without transposes:
 *   q(b, n, h, d) = q[(b·queryLen + n)·ldq + h·headDim + d]      (k, v likewise with keyLen rows per batch)
 *   out(b, n, h, d) = out[(b·queryLen + n)·ldo + h·headDim + d]
 * With no keys the output is 0, as torch's.
 *
 * Optional additive terms on the scores, before the softmax (Swin's window attention, BEiT's relative position
 * bias): scores(b, h, i, j) = q·k·scale + bias[h, i, j] + attnMask[b mod windows, i, j]. `attnMask` holds one
 * [queryLen, keyLen] mask per window; the batch is (image, window) with the window innermost, as Swin's
 * B_ = n·nW, so batch b takes mask b mod windows. A row whose every score is -Infinity gives NaN, as torch's.
 */

import { checkLength, checkMatrix, checkSize } from './check.js';
import type { Sized } from './op.js';

export interface AttentionArgs<A> {
  q: A;
  ldq: number;
  k: A;
  ldk: number;
  v: A;
  ldv: number;
  /** Must not overlap q, k or v. */
  out: A;
  ldo: number;
  batch: number;
  heads: number;
  queryLen: number;
  keyLen: number;
  headDim: number;
  /** Multiplies q·kᵀ (default headDim^-0.5). */
  scale?: number;
  /** [heads, queryLen, keyLen], added to every batch's scores (relative position bias). */
  bias?: A | null;
  /** [windows, queryLen, keyLen], windows dividing batch: batch b adds mask b mod windows (Swin's shifted-window mask). */
  attnMask?: A | null;
}

/** The sizes and buffer extents; returns the scale. */
export function checkAttentionArgs(op: string, a: AttentionArgs<Sized>): number {
  for (const key of ['batch', 'heads', 'queryLen', 'keyLen', 'headDim'] as const) checkSize(op, key, a[key]);
  const width = a.heads * a.headDim;
  checkMatrix(op, 'q', a.q, a.batch * a.queryLen, width, a.ldq);
  checkMatrix(op, 'k', a.k, a.batch * a.keyLen, width, a.ldk);
  checkMatrix(op, 'v', a.v, a.batch * a.keyLen, width, a.ldv);
  checkMatrix(op, 'out', a.out, a.batch * a.queryLen, width, a.ldo);
  const scale = a.scale ?? a.headDim ** -0.5;
  if (a.scale !== undefined && !Number.isFinite(a.scale)) throw new RangeError(`${op}: scale must be finite, got ${a.scale}`);
  const scores = a.queryLen * a.keyLen;
  if (a.bias) checkLength(op, 'bias', a.bias, a.heads * scores);
  if (a.attnMask) {
    const windows = scores === 0 ? 1 : a.attnMask.length / scores;
    if (!Number.isInteger(windows) || windows < 1 || a.batch % windows !== 0) {
      throw new RangeError(`${op}: attnMask has ${a.attnMask.length} elements, expected [windows, ${a.queryLen}, ${a.keyLen}] with windows dividing batch=${a.batch}`);
    }
  }
  return scale;
}

/** Masks in `attnMask` (1 without one). */
export function maskWindows(a: Pick<AttentionArgs<Sized>, 'attnMask' | 'queryLen' | 'keyLen'>): number {
  const scores = a.queryLen * a.keyLen;
  return a.attnMask && scores > 0 ? a.attnMask.length / scores : 1;
}

/**
 * The reference: one query at a time in float64. `headMask` [heads] multiplies each head's probabilities;
 * `probs` [batch, heads, queryLen, keyLen] receives them (after the mask).
 */
export function attentionReference(a: AttentionArgs<Float32Array>, headMask: Float32Array | null, probs: Float32Array | null): void {
  const { batch, heads, queryLen, keyLen, headDim } = a;
  const scale = a.scale ?? headDim ** -0.5;
  const p = new Float64Array(keyLen);
  const bias = a.bias ?? null, attnMask = a.attnMask ?? null, windows = maskWindows(a);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < queryLen; i++) {
        const qo = (b * queryLen + i) * a.ldq + h * headDim;
        let max = -Infinity;
        for (let j = 0; j < keyLen; j++) {
          const ko = (b * keyLen + j) * a.ldk + h * headDim;
          let s = 0;
          for (let d = 0; d < headDim; d++) s += a.q[qo + d] * a.k[ko + d];
          p[j] = s * scale;
          if (bias) p[j] += bias[(h * queryLen + i) * keyLen + j];
          if (attnMask) p[j] += attnMask[((b % windows) * queryLen + i) * keyLen + j];
          max = Math.max(max, p[j]);
        }
        let sum = 0;
        for (let j = 0; j < keyLen; j++) sum += p[j] = Math.exp(p[j] - max);
        const m = headMask ? headMask[h] : 1;
        for (let j = 0; j < keyLen; j++) p[j] = (p[j] / sum) * m;
        if (probs) probs.set(p, ((b * heads + h) * queryLen + i) * keyLen);
        const oo = (b * queryLen + i) * a.ldo + h * headDim;
        for (let d = 0; d < headDim; d++) {
          let s = 0;
          for (let j = 0; j < keyLen; j++) s += p[j] * a.v[(b * keyLen + j) * a.ldv + h * headDim + d];
          a.out[oo + d] = keyLen === 0 ? 0 : s;
        }
      }
    }
  }
}

/** The sizes of an attention call (what a backend's plan needs besides the arrays). */
export type AttentionShape = Pick<AttentionArgs<unknown>, 'batch' | 'heads' | 'queryLen' | 'keyLen' | 'headDim' | 'scale'>;
