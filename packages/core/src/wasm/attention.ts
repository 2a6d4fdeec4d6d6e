/**
 * Scaled dot-product attention on the WASM backend, on core's token-major strided layout (AttentionIO,
 * see kernels/attention-io.ts), built from the SIMD GEMM and row kernels. Per (batch, head):
 *
 * - eager: S = (q·scale)·kᵀ as one GEMM into a [queryLen, keyLen] buffer, softmax over rows (optionally the
 *   head mask and a copy to `probs`), then out_h = S·v as a second GEMM writing the strided output in place.
 * - fused: keys in blocks of `keyBlock`; for each, S = q·k_blockᵀ ([queryLen, keyBlock]), the online softmax
 *   update (running max m and sum l per query; exp in place; the accumulator O rescaled), and O += S·v_block
 *   (GEMM with accumulate); finally out = O / l. Memory is linear in the sequence length.
 *
 * K and V are packed per head (per key block for the fused kernel) as the GEMM's B operand; the scale is
 * folded into packed K (exact for power-of-two scales such as 64^-0.5). Q is read in place when it lives in
 * the heap (a strided view into the fused qkv projection), else staged once per call.
 */

import { checkAttention, type AttentionEagerOptions, type AttentionIO, type AttentionShape } from '../kernels/attention-io.js';
import { Staging, type GemmCall, type WasmBackend } from './backend.js';
import { GEMM_ACCUMULATE } from './emit-gemm.js';
import { packedLength, packInto, packTransposedInto } from './packing.js';

/** Default key block of the fused kernel: S = [queryLen, 128] stays in L2, and the block's K and V in L1. */
export const DEFAULT_KEY_BLOCK = 128;

interface Prepared {
  staging: Staging;
  q: number; // heap pointer of q(0, 0, 0, 0)
  ldq: number;
  scale: number;
  width: number; // heads · headDim
}

function prepare(be: WasmBackend, io: AttentionIO, shape: AttentionShape, kernel: string): Prepared {
  const scale = checkAttention(kernel, io, shape);
  const staging = new Staging(be.heap);
  const width = shape.heads * shape.headDim;
  const rows = shape.batch * shape.queryLen;
  const q = staging.input(io.q.subarray(io.qOffset), rows, width, io.qRowStride);
  return { staging, q: q.ptr, ldq: q.ld, scale, width };
}

function gemmCall(a: number, lda: number, b: number, k: number, c: number, ldc: number, m: number, n: number, nr: number, flags = 0): GemmCall {
  return { a, lda, b, k, c, ldc, m, n, panels: Math.ceil(n / nr), flags, bias: 0, res: 0, ldr: 0 };
}

/** Packs keys [j0, j1) of head h of batch b as B = scale·K_blockᵀ [headDim, j1 - j0] into `out` (zero-padded). */
function packKeys(io: AttentionIO, s: AttentionShape, b: number, h: number, j0: number, j1: number, scale: number, nr: number, out: Float32Array): void {
  const view = io.k.subarray(io.kOffset + (b * s.keyLen + j0) * io.kRowStride + h * s.headDim);
  const n = packedLength(s.headDim, j1 - j0, nr);
  out.fill(0, 0, n);
  packTransposedInto(view, j1 - j0, s.headDim, nr, out, io.kRowStride);
  if (scale !== 1) for (let i = 0; i < n; i++) out[i] *= scale;
}

/** Packs values [j0, j1) of head h of batch b as B = V_block [j1 - j0, headDim] into `out` (zero-padded). */
function packValues(io: AttentionIO, s: AttentionShape, b: number, h: number, j0: number, j1: number, nr: number, out: Float32Array): void {
  const view = io.v.subarray(io.vOffset + (b * s.keyLen + j0) * io.vRowStride + h * s.headDim);
  out.fill(0, 0, packedLength(j1 - j0, s.headDim, nr));
  packInto(view, j1 - j0, s.headDim, nr, out, io.vRowStride);
}

/** softmax(q·kᵀ·scale)·v with the probabilities materialised (optionally head-masked and returned in `probs`). */
export function attentionEagerWasm(be: WasmBackend, io: AttentionIO, shape: AttentionShape, options: AttentionEagerOptions = {}): void {
  const { batch, heads, queryLen: nq, keyLen: nk, headDim: d } = shape;
  const p = prepare(be, io, shape, 'attentionEagerWasm');
  const { headMask, probs } = options;
  if (headMask && headMask.length < heads) throw new RangeError(`attentionEagerWasm: headMask has ${headMask.length} values, needs ${heads}`);
  if (probs && probs.length < batch * heads * nq * nk) throw new RangeError(`attentionEagerWasm: probs has ${probs.length} values, needs ${batch * heads * nq * nk}`);
  const heap = be.heap;
  const nr = be.tiling.nr;
  const blocks: number[] = [];
  try {
    if (batch * heads * nq === 0) return;
    const out = p.staging.output(io.out, batch * nq, p.width, io.outRowStride, false);
    const alloc = (floats: number): number => {
      const ptr = heap.alloc(floats * 4);
      blocks.push(ptr);
      return ptr;
    };
    const kLen = packedLength(d, nk, nr);
    const vLen = packedLength(nk, d, nr);
    const kPtr = alloc(kLen), vPtr = alloc(vLen), sPtr = alloc(nq * nk);
    const kPacked = heap.f32(kPtr, kLen), vPacked = heap.f32(vPtr, vLen), scores = heap.f32(sPtr, nq * nk);
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        const qPtr = p.q + ((b * nq) * p.ldq + h * d) * 4;
        const oPtr = out.ptr + ((b * nq) * out.ld + h * d) * 4;
        if (nk === 0) {
          // No keys: the softmax is empty and torch's output is 0.
          for (let i = 0; i < nq; i++) heap.f32(oPtr + i * out.ld * 4, d).fill(0);
          continue;
        }
        packKeys(io, shape, b, h, 0, nk, p.scale, nr, kPacked);
        be.runGemm(gemmCall(qPtr, p.ldq, kPtr, d, sPtr, nk, nq, nk, nr), 0, nq, 0, Math.ceil(nk / nr), be.scratch);
        be.kernels.softmax(sPtr, nq, nk, sPtr);
        if (headMask && headMask[h] !== 1) {
          const f = headMask[h];
          for (let i = 0; i < nq * nk; i++) scores[i] *= f;
        }
        if (probs) probs.set(scores, ((b * heads + h) * nq) * nk);
        packValues(io, shape, b, h, 0, nk, nr, vPacked);
        be.runGemm(gemmCall(sPtr, nk, vPtr, nk, oPtr, out.ld, nq, d, nr), 0, nq, 0, Math.ceil(d / nr), be.scratch);
      }
    }
    p.staging.finish();
  } finally {
    for (const ptr of blocks) heap.free(ptr);
    p.staging.release();
  }
}

/** softmax(q·kᵀ·scale)·v with an online softmax over key blocks: never allocates queryLen × keyLen. */
export function attentionFusedWasm(be: WasmBackend, io: AttentionIO, shape: AttentionShape, keyBlock = DEFAULT_KEY_BLOCK): void {
  const { batch, heads, queryLen: nq, keyLen: nk, headDim: d } = shape;
  const nr = be.tiling.nr;
  if (!Number.isInteger(keyBlock) || keyBlock < 1) throw new RangeError(`attentionFusedWasm: invalid keyBlock ${keyBlock}`);
  const kb = Math.ceil(keyBlock / nr) * nr;
  const p = prepare(be, io, shape, 'attentionFusedWasm');
  const heap = be.heap;
  const blocks: number[] = [];
  try {
    if (batch * heads * nq === 0) return;
    const alloc = (floats: number): number => {
      const ptr = heap.alloc(floats * 4);
      blocks.push(ptr);
      return ptr;
    };
    const kLen = packedLength(d, kb, nr);
    const vLen = packedLength(kb, d, nr);
    const kPtr = alloc(kLen), vPtr = alloc(vLen), sPtr = alloc(nq * kb);
    const oPtr = alloc(nq * d), mPtr = alloc(nq), lPtr = alloc(nq);
    const kPacked = heap.f32(kPtr, kLen), vPacked = heap.f32(vPtr, vLen);
    const acc = heap.f32(oPtr, nq * d), m = heap.f32(mPtr, nq), l = heap.f32(lPtr, nq);
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        const qPtr = p.q + ((b * nq) * p.ldq + h * d) * 4;
        acc.fill(0);
        m.fill(-Infinity);
        l.fill(0);
        for (let j0 = 0; j0 < nk; j0 += kb) {
          const j1 = Math.min(nk, j0 + kb);
          const cols = j1 - j0;
          packKeys(io, shape, b, h, j0, j1, p.scale, nr, kPacked);
          be.runGemm(gemmCall(qPtr, p.ldq, kPtr, d, sPtr, cols, nq, cols, nr), 0, nq, 0, Math.ceil(cols / nr), be.scratch);
          be.kernels.online_softmax(sPtr, nq, cols, mPtr, lPtr, oPtr, d, d);
          packValues(io, shape, b, h, j0, j1, nr, vPacked);
          be.runGemm(gemmCall(sPtr, cols, vPtr, cols, oPtr, d, nq, d, nr, GEMM_ACCUMULATE), 0, nq, 0, Math.ceil(d / nr), be.scratch);
        }
        // out = O / l (no keys: l = 0 and O = 0; torch returns 0 there, so write 0)
        for (let i = 0; i < nq; i++) {
          const inv = l[i] === 0 && nk === 0 ? 0 : 1 / l[i];
          const row = (b * nq + i) * io.outRowStride + h * d;
          for (let c = 0; c < d; c++) io.out[row + c] = nk === 0 ? 0 : acc[i * d + c] * inv;
        }
      }
    }
  } finally {
    for (const ptr of blocks) heap.free(ptr);
    p.staging.release();
  }
}
