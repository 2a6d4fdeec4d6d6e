/**
 * Scaled dot-product attention on the WASM backend, on core's token-major strided layout (AttentionIO,
 * see kernels/attention-io.ts): the emitted drivers of emit-attention.ts, one call per lane over a range
 * of (batch, head) units, so a pool's lanes split the heads with no trip back to JS.
 *
 * - fused: query tiles × key blocks with an online softmax (flash-attention order); memory linear in the
 *   sequence length (packed K and V of one head, S and O of one query tile, per lane).
 * - eager: S = (q·scale)·kᵀ [queryLen, keyLen] per head, softmax over rows, the head mask, a copy to `probs`
 *   (staged through the heap), then out_h = S·v: the probabilities materialised, as transformers' eager path.
 *
 * K and V are packed per head as the GEMM's B operand; the scale is folded into packed K (exact for
 * power-of-two scales such as 64^-0.5). Q, K, V and out are used in place when they live in the heap (strided
 * views into the fused qkv projection), else staged once per call.
 */

import { checkAttention, type AttentionEagerOptions, type AttentionIO, type AttentionShape } from '../kernels/attention-io.js';
import { Staging, type WasmBackend } from './backend.js';
import { AttentionField, ATTENTION_FIELDS } from './emit-attention.js';

/** Default key block of the fused kernel: a block's packed K and V [kb, 64] stay in L1, S [qb, kb] in L2. */
export const DEFAULT_KEY_BLOCK = 128;
/** Query rows per tile of the fused kernel (a multiple of both register tiles' rows, 4 and 6). */
export const DEFAULT_QUERY_BLOCK = 120;
/**
 * Up to this many keys (and without an explicit keyBlock) the fused kernel takes all keys as one block, in
 * query tiles of SHORT_QUERY_BLOCK: at ViT-B's 197 tokens that measured ≈ 10 % faster than 128-key blocks
 * (and than eager), with S still small ([48, 256] floats).
 */
const SHORT_SEQUENCE = 256;
const SHORT_QUERY_BLOCK = 48;

export type AttentionMode = 'fused' | 'eager';

/**
 * An attention call resolved to heap pointers: one parameter block per lane, each covering a range of
 * (batch, head) units, with lane-private scratch. `kernel` is the export to call with each parameter block.
 */
export interface AttentionPlan {
  kernel: 'attention_fused' | 'attention_eager';
  /** Pointers of the lanes' parameter blocks. */
  params: number[];
  /** Copies staged outputs (out, probabilities) back. */
  finish(): void;
  /** Frees the plan's heap blocks. */
  release(): void;
}

export interface AttentionPlanOptions extends AttentionEagerOptions {
  /** Fused: keys per block (default: all keys up to 256, else DEFAULT_KEY_BLOCK). */
  keyBlock?: number;
  /** Fused: queries per tile (default: 48 for up to 256 keys, else DEFAULT_QUERY_BLOCK). */
  queryBlock?: number;
  /** GEMM tile scratch of lane i (default: the backend's, for a single lane on this thread). */
  scratchFor?: (lane: number) => number;
}

/**
 * Plans attention over at most `lanes` lanes, splitting the batch × heads units evenly. Returns null when
 * there is nothing to compute (after writing zeros where keyLen is 0, as torch does).
 */
export function planAttention(be: WasmBackend, mode: AttentionMode, io: AttentionIO, shape: AttentionShape, lanes: number, options: AttentionPlanOptions = {}): AttentionPlan | null {
  const kernelName = mode === 'fused' ? 'attentionFusedWasm' : 'attentionEagerWasm';
  const scale = checkAttention(kernelName, io, shape);
  const { batch, heads, queryLen: nq, keyLen: nk, headDim: d } = shape;
  const { headMask, probs } = options;
  const short = options.keyBlock === undefined && shape.keyLen <= SHORT_SEQUENCE;
  const keyBlock = options.keyBlock ?? (short ? SHORT_SEQUENCE : DEFAULT_KEY_BLOCK);
  const queryBlock = options.queryBlock ?? (short ? SHORT_QUERY_BLOCK : DEFAULT_QUERY_BLOCK);
  if (!Number.isInteger(keyBlock) || keyBlock < 1) throw new RangeError(`${kernelName}: invalid keyBlock ${keyBlock}`);
  if (!Number.isInteger(queryBlock) || queryBlock < 1) throw new RangeError(`${kernelName}: invalid queryBlock ${queryBlock}`);
  if (headMask && headMask.length < heads) throw new RangeError(`${kernelName}: headMask has ${headMask.length} values, needs ${heads}`);
  if (probs && probs.length < batch * heads * nq * nk) throw new RangeError(`${kernelName}: probs has ${probs.length} values, needs ${batch * heads * nq * nk}`);
  const width = heads * d;
  const units = batch * heads;
  if (units * nq === 0 || nk === 0) {
    for (let r = 0; r < batch * nq; r++) io.out.fill(0, r * io.outRowStride, r * io.outRowStride + width);
    if (probs) probs.fill(0, 0, batch * heads * nq * nk);
    return null;
  }
  const heap = be.heap;
  const nr = be.tiling.nr;
  const staging = new Staging(heap);
  const owned: number[] = [];
  const alloc = (floats: number): number => {
    const ptr = heap.alloc(Math.max(1, floats) * 4);
    owned.push(ptr);
    return ptr;
  };
  const release = (): void => {
    for (const ptr of owned) heap.free(ptr);
    owned.length = 0;
    staging.release();
  };
  try {
    const q = staging.input(io.q.subarray(io.qOffset), batch * nq, width, io.qRowStride);
    const k = staging.input(io.k.subarray(io.kOffset), batch * nk, width, io.kRowStride);
    const v = staging.input(io.v.subarray(io.vOffset), batch * nk, width, io.vRowStride);
    const out = staging.output(io.out, batch * nq, width, io.outRowStride, false);
    // Eager: one key block holding every key; fused: blocks of keyBlock keys (multiples of the panel width).
    const kb = Math.ceil((mode === 'eager' ? nk : Math.min(keyBlock, nk)) / nr) * nr;
    const blocks = Math.ceil(nk / kb);
    const dPad = Math.ceil(d / nr) * nr;
    const qb = mode === 'eager' ? nq : Math.min(queryBlock, nq);
    const probsPtr = mode === 'eager' && probs ? alloc(units * nq * nk) : 0;
    let maskPtr = 0;
    if (mode === 'eager' && headMask) {
      maskPtr = alloc(heads);
      heap.f32(maskPtr, heads).set(headMask.subarray(0, heads));
    }
    const count = Math.max(1, Math.min(lanes, units));
    const params: number[] = [];
    for (let lane = 0; lane < count; lane++) {
      const ptr = alloc(ATTENTION_FIELDS);
      const fields = heap.i32(ptr, ATTENTION_FIELDS);
      const F = AttentionField;
      fields[F.q] = q.ptr; fields[F.ldq] = q.ld; fields[F.k] = k.ptr; fields[F.ldk] = k.ld; fields[F.v] = v.ptr; fields[F.ldv] = v.ld;
      fields[F.out] = out.ptr; fields[F.ldo] = out.ld;
      fields[F.unitStart] = Math.floor((units * lane) / count); fields[F.unitEnd] = Math.floor((units * (lane + 1)) / count);
      fields[F.heads] = heads; fields[F.nq] = nq; fields[F.nk] = nk; fields[F.d] = d; fields[F.kb] = kb; fields[F.qb] = qb;
      heap.f32(ptr + 4 * F.scale, 1)[0] = scale;
      fields[F.kPack] = alloc(blocks * kb * d); fields[F.vPack] = alloc(blocks * kb * dPad);
      fields[F.s] = alloc(qb * kb);
      if (mode === 'fused') {
        fields[F.m] = alloc(qb); fields[F.l] = alloc(qb); fields[F.o] = alloc(qb * d);
      }
      fields[F.scratch] = options.scratchFor ? options.scratchFor(lane) : be.scratch;
      fields[F.probs] = probsPtr; fields[F.mask] = maskPtr;
      params.push(ptr);
    }
    return {
      kernel: mode === 'fused' ? 'attention_fused' : 'attention_eager',
      params,
      finish: () => {
        staging.finish();
        // [batch, heads, nq, nk] is unit-major: the staged probabilities go back in one copy.
        if (probs && probsPtr) probs.set(heap.f32(probsPtr, units * nq * nk));
      },
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}

function runOnThisThread(be: WasmBackend, plan: AttentionPlan | null): void {
  if (!plan) return;
  try {
    be.kernels[plan.kernel](plan.params[0]);
    plan.finish();
  } finally {
    plan.release();
  }
}

/** softmax(q·kᵀ·scale)·v with the probabilities materialised (optionally head-masked and returned in `probs`), on this thread. */
export function attentionEagerWasm(be: WasmBackend, io: AttentionIO, shape: AttentionShape, options: AttentionEagerOptions = {}): void {
  runOnThisThread(be, planAttention(be, 'eager', io, shape, 1, options));
}

/**
 * softmax(q·kᵀ·scale)·v with an online softmax over key blocks, query tile by query tile (never allocates
 * queryLen × keyLen), on this thread.
 */
export function attentionFusedWasm(be: WasmBackend, io: AttentionIO, shape: AttentionShape, keyBlock?: number, queryBlock?: number): void {
  runOnThisThread(be, planAttention(be, 'fused', io, shape, 1, { keyBlock, queryBlock }));
}
