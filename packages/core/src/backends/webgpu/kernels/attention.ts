/**
 * Attention on token-major strided views (core's AttentionIO layout, with GPU arrays): fused in one dispatch
 * (wgsl/attention.ts), or eager in three (scores = q·kᵀ·scale by the batched GEMM straight into the
 * probabilities buffer, softmax with the head mask, out = probs·v by the GEMM).
 */

import type { AttentionShape } from '../../../ops/attention-args.js';
import { checkSize } from '../../../ops/check.js';
import type { GpuArray } from '../gpu-array.js';
import type { GpuMemory } from '../memory.js';
import type { CommandRecorder } from '../recorder.js';
import { DEFAULT_ATTENTION_TILE, fusedAttentionParams, fusedAttentionShader, type AttentionTile } from '../wgsl/attention.js';
import { bindStorage } from '../wgsl/bindings.js';
import { recordGemm } from './gemm.js';
import { recordSoftmax } from './rows.js';

export interface GpuAttentionIO {
  q: GpuArray; qOffset: number; qRowStride: number;
  k: GpuArray; kOffset: number; kRowStride: number;
  v: GpuArray; vOffset: number; vRowStride: number;
  out: GpuArray; outRowStride: number;
}

/** Head dims the fused kernel compiles for (register arrays of headDim floats per thread). */
export const MAX_FUSED_HEAD_DIM = 256;

function checkGpuAttention(kernel: string, io: GpuAttentionIO, s: AttentionShape): number {
  for (const key of ['batch', 'heads', 'queryLen', 'keyLen', 'headDim'] as const) checkSize(kernel, key, s[key]);
  const width = s.heads * s.headDim;
  const need = (what: string, a: GpuArray, offset: number, stride: number, rows: number): void => {
    checkSize(kernel, `${what}Offset`, offset);
    if (stride < width) throw new RangeError(`${kernel}: ${what}RowStride ${stride} is smaller than heads*headDim = ${width}`);
    const last = rows === 0 ? 0 : offset + (rows - 1) * stride + width;
    if (a.length < last) throw new RangeError(`${kernel}: ${what} has ${a.length} elements, needs ${last}`);
  };
  need('q', io.q, io.qOffset, io.qRowStride, s.batch * s.queryLen);
  need('k', io.k, io.kOffset, io.kRowStride, s.batch * s.keyLen);
  need('v', io.v, io.vOffset, io.vRowStride, s.batch * s.keyLen);
  need('out', io.out, 0, io.outRowStride, s.batch * s.queryLen);
  return s.scale ?? s.headDim ** -0.5;
}

export function recordAttentionFused(rec: CommandRecorder, io: GpuAttentionIO, shape: AttentionShape, tile: AttentionTile = DEFAULT_ATTENTION_TILE): void {
  const scale = checkGpuAttention('attentionFused', io, shape);
  const { batch, heads, queryLen, keyLen, headDim } = shape;
  if (headDim > MAX_FUSED_HEAD_DIM) throw new RangeError(`attentionFused: headDim ${headDim} exceeds ${MAX_FUSED_HEAD_DIM}; use attentionEager`);
  if (batch * heads * queryLen * headDim === 0) return;
  if (keyLen === 0) throw new RangeError('attentionFused: keyLen must be positive (softmax over no keys)');
  const storage = bindStorage([
    { name: 'q', array: io.q }, { name: 'k', array: io.k }, { name: 'v', array: io.v }, { name: 'out', array: io.out, write: true },
  ]);
  rec.dispatch('attentionFused', fusedAttentionShader({ headDim, tile }, storage.vars, storage.declarations), storage, fusedAttentionParams(), {
    queryLen, keyLen, scale,
    qOff: io.q.offset + io.qOffset, qRs: io.qRowStride, kOff: io.k.offset + io.kOffset, kRs: io.kRowStride,
    vOff: io.v.offset + io.vOffset, vRs: io.vRowStride, oOff: io.out.offset, oRs: io.outRowStride,
  }, [Math.ceil(queryLen / tile.bq), heads, batch]);
}

export interface GpuAttentionEagerOptions {
  /** [heads]: multiplies each head's probabilities after the softmax. */
  headMask?: GpuArray | null;
  /** [batch, heads, queryLen, keyLen]: receives the probabilities (after the head mask). */
  probs?: GpuArray | null;
}

export function recordAttentionEager(rec: CommandRecorder, memory: GpuMemory, io: GpuAttentionIO, shape: AttentionShape, options: GpuAttentionEagerOptions = {}): void {
  const scale = checkGpuAttention('attentionEager', io, shape);
  const { batch, heads, queryLen: nq, keyLen: nk, headDim: d } = shape;
  const size = batch * heads * nq * nk;
  if (options.headMask && options.headMask.length < heads) throw new RangeError(`attentionEager: headMask has ${options.headMask.length} elements, needs ${heads}`);
  if (options.probs && options.probs.length < size) throw new RangeError(`attentionEager: probs has ${options.probs.length} elements, needs ${size}`);
  if (batch * heads * nq * d === 0) return;
  if (nk === 0) throw new RangeError('attentionEager: keyLen must be positive (softmax over no keys)');
  const probs = options.probs ?? memory.alloc(size, { label: 'attention probs' });
  try {
    // scores[b, h, i, j] = scale · q(b, i, h) · k(b, j, h)
    recordGemm(rec, {
      label: 'attentionEager scores', m: nq, n: nk, k: d, outer: batch, inner: heads, alpha: scale,
      a: { array: io.q.subarray(io.qOffset), rowStride: io.qRowStride, outer: nq * io.qRowStride, inner: d },
      b: { array: io.k.subarray(io.kOffset), rowStride: 1, colStride: io.kRowStride, outer: nk * io.kRowStride, inner: d },
      c: { array: probs, rowStride: nk, outer: heads * nq * nk, inner: nq * nk },
    });
    recordSoftmax(rec, probs, batch * heads * nq, nk, probs, { rowMask: options.headMask ? { mask: options.headMask.subarray(0, heads), maskRows: nq } : null });
    recordGemm(rec, {
      label: 'attentionEager values', m: nq, n: d, k: nk, outer: batch, inner: heads,
      a: { array: probs, rowStride: nk, outer: heads * nq * nk, inner: nq * nk },
      b: { array: io.v.subarray(io.vOffset), rowStride: io.vRowStride, outer: nk * io.vRowStride, inner: d },
      c: { array: io.out, rowStride: io.outRowStride, outer: nq * io.outRowStride, inner: d },
    });
  } finally {
    // Recorded work keeps its own order: the pooled buffer can be reused by later dispatches at once.
    if (!options.probs) memory.free(probs);
  }
}
