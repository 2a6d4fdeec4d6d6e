/**
 * Scaled dot-product attention on the WASM backend, on core's token-major strided layout (AttentionIO,
 * see kernels/attention-io.ts), built from the SIMD GEMM and row kernels. Per (batch, head):
 *
 * - eager: S = (q·scale)·kᵀ as one GEMM into a [queryLen, keyLen] buffer, softmax over rows (optionally the
 *   head mask and a copy to `probs`), then out_h = S·v as a second GEMM writing the strided output in place.
 * - fused: the emitted `attention_fused` driver (emit-attention.ts): keys in blocks of `keyBlock`; for each,
 *   S = q·k_blockᵀ ([queryLen, keyBlock]), the online softmax update (running max m and sum l per query; exp
 *   in place; the accumulator O rescaled), and O += S·v_block (GEMM with accumulate); finally out = O / l.
 *   Memory is linear in the sequence length; whole heads run in one WASM call, so lanes split the heads.
 *
 * K and V are packed per head (per key block for the fused kernel) as the GEMM's B operand; the scale is
 * folded into packed K (exact for power-of-two scales such as 64^-0.5). Q is read in place when it lives in
 * the heap (a strided view into the fused qkv projection), else staged once per call.
 */

import { checkAttention, type AttentionEagerOptions, type AttentionIO, type AttentionShape } from '../kernels/attention-io.js';
import { Staging, type GemmCall, type WasmBackend } from './backend.js';
import { AttentionField, ATTENTION_FIELDS } from './emit-attention.js';
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

/**
 * A fused attention call resolved to heap pointers: one parameter block per lane, each covering a range of
 * (batch, head) units, with lane-private scratch. `release` frees everything (after copying out staged output).
 */
export interface FusedAttentionPlan {
  /** Pointers of the lanes' parameter blocks (pass to the `attention_fused` export). */
  params: number[];
  finish(): void;
  release(): void;
}

/**
 * Plans `attentionFused` over at most `lanes` lanes, splitting the batch × heads units evenly. Returns null
 * when there is nothing to compute (after writing zeros where keyLen is 0, as torch does).
 */
export function planFusedAttention(be: WasmBackend, io: AttentionIO, shape: AttentionShape, lanes: number, keyBlock = DEFAULT_KEY_BLOCK, scratchFor: (lane: number) => number = () => be.scratch): FusedAttentionPlan | null {
  const { batch, heads, queryLen: nq, keyLen: nk, headDim: d } = shape;
  if (!Number.isInteger(keyBlock) || keyBlock < 1) throw new RangeError(`attentionFusedWasm: invalid keyBlock ${keyBlock}`);
  const p = prepare(be, io, shape, 'attentionFusedWasm');
  const units = batch * heads;
  if (units * nq === 0 || nk === 0) {
    p.staging.release();
    for (let r = 0; r < batch * nq; r++) io.out.fill(0, r * io.outRowStride, r * io.outRowStride + p.width);
    return null;
  }
  const heap = be.heap;
  const nr = be.tiling.nr;
  const kb = Math.ceil(Math.min(keyBlock, nk) / nr) * nr;
  const blocks = Math.ceil(nk / kb);
  const dPad = Math.ceil(d / nr) * nr;
  const owned: number[] = [];
  const alloc = (floats: number): number => {
    const ptr = heap.alloc(floats * 4);
    owned.push(ptr);
    return ptr;
  };
  const release = (): void => {
    for (const ptr of owned) heap.free(ptr);
    owned.length = 0;
    p.staging.release();
  };
  try {
    const k = p.staging.input(io.k.subarray(io.kOffset), batch * nk, p.width, io.kRowStride);
    const v = p.staging.input(io.v.subarray(io.vOffset), batch * nk, p.width, io.vRowStride);
    const out = p.staging.output(io.out, batch * nq, p.width, io.outRowStride, false);
    const count = Math.max(1, Math.min(lanes, units));
    const params: number[] = [];
    for (let lane = 0; lane < count; lane++) {
      const ptr = alloc(ATTENTION_FIELDS);
      const fields = heap.i32(ptr, ATTENTION_FIELDS);
      const F = AttentionField;
      fields[F.q] = p.q; fields[F.ldq] = p.ldq; fields[F.k] = k.ptr; fields[F.ldk] = k.ld; fields[F.v] = v.ptr; fields[F.ldv] = v.ld;
      fields[F.out] = out.ptr; fields[F.ldo] = out.ld;
      fields[F.unitStart] = Math.floor((units * lane) / count); fields[F.unitEnd] = Math.floor((units * (lane + 1)) / count);
      fields[F.heads] = heads; fields[F.nq] = nq; fields[F.nk] = nk; fields[F.d] = d; fields[F.kb] = kb;
      heap.f32(ptr + 4 * F.scale, 1)[0] = p.scale;
      fields[F.kPack] = alloc(blocks * kb * d); fields[F.vPack] = alloc(blocks * kb * dPad);
      fields[F.s] = alloc(nq * kb); fields[F.m] = alloc(nq); fields[F.l] = alloc(nq); fields[F.o] = alloc(nq * d);
      fields[F.scratch] = scratchFor(lane);
      params.push(ptr);
    }
    return { params, finish: () => p.staging.finish(), release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * softmax(q·kᵀ·scale)·v with an online softmax over key blocks (never allocates queryLen × keyLen), on
 * this thread: the emitted `attention_fused` driver over all (batch, head) units.
 */
export function attentionFusedWasm(be: WasmBackend, io: AttentionIO, shape: AttentionShape, keyBlock = DEFAULT_KEY_BLOCK): void {
  const plan = planFusedAttention(be, io, shape, 1, keyBlock);
  if (!plan) return;
  try {
    be.kernels.attention_fused(plan.params[0]);
    plan.finish();
  } finally {
    plan.release();
  }
}
