/**
 * Ops `attentionFused` and `attentionEager` on the 'wasm' backend: the emitted drivers of
 * emit-attention.ts, one call per lane over a range of (batch, head) units, so the lanes split the heads with
 * no trip back to JavaScript.
 *
 * - fused: query tiles × key blocks with an online softmax (flash-attention order); memory linear in the
 *   sequence (packed K and V of one head, S and O of one query tile, per lane).
 * - eager: S = (q·scale)·kᵀ [queryLen, keyLen] per head, softmax over rows, the head mask, a copy to `probs`,
 *   then out_h = S·v: the probabilities materialised, as transformers' eager path.
 *
 * K and V are packed per head as the GEMM's B operand; the scale is folded into packed K (exact for
 * power-of-two scales such as 64^-0.5). Q, K, V and out are read in place (strided views into the qkv
 * projection).
 */

import { maskWindows, type AttentionArgs } from '../../../ops/attention-args.js';
import type { AttentionEagerArgs } from '../../../ops/attention-eager.js';
import { AttentionField, ATTENTION_FIELDS } from '../emit-attention.js';
import type { LaneTask, PlanContext, Step, WasmKernel } from '../plan.js';
import type { WasmArray } from '../wasm-array.js';

/** Default key block of the fused kernel: a block's packed K and V [kb, 64] stay in L1, S [qb, kb] in L2. */
export const DEFAULT_KEY_BLOCK = 128;
/** Query rows per tile of the fused kernel (a multiple of both register tiles' rows, 4 and 6). */
export const DEFAULT_QUERY_BLOCK = 120;
/**
 * Up to this many keys the fused kernel takes all keys as one block, in query tiles of SHORT_QUERY_BLOCK:
 * at ViT-B's 197 tokens that measured ≈ 10 % faster than 128-key blocks (and than eager), with S still
 * small ([48, 256] floats).
 */
const SHORT_SEQUENCE = 256;
const SHORT_QUERY_BLOCK = 48;

export type AttentionMode = 'fused' | 'eager';

/** Key block and query tile of the fused kernel (defaults above; tests pick small ones to cross block edges). */
export interface AttentionBlocks {
  keyBlock?: number;
  queryBlock?: number;
}

/** The steps of one attention call: with no work, zeros (as torch); else one parameter block per lane. */
export function planAttention(mode: AttentionMode, a: AttentionEagerArgs<WasmArray>, ctx: PlanContext, blocks: AttentionBlocks = {}): Step[] {
  const { batch, heads, queryLen: nq, keyLen: nk, headDim: d } = a;
  const scale = a.scale ?? d ** -0.5;
  const headMask = mode === 'eager' ? (a.headMask ?? null) : null;
  const probs = mode === 'eager' ? (a.probs ?? null) : null;
  const width = heads * d;
  const units = batch * heads;
  if (units * nq === 0 || nk === 0) {
    return [{
      host: () => {
        for (let r = 0; r < batch * nq; r++) a.out.data.fill(0, r * a.ldo, r * a.ldo + width);
        probs?.data.fill(0, 0, batch * heads * nq * nk);
      },
    }];
  }
  const { nr } = ctx.tiling;
  const short = blocks.keyBlock === undefined && nk <= SHORT_SEQUENCE;
  const keyBlock = blocks.keyBlock ?? (short ? SHORT_SEQUENCE : DEFAULT_KEY_BLOCK);
  const queryBlock = blocks.queryBlock ?? (short ? SHORT_QUERY_BLOCK : DEFAULT_QUERY_BLOCK);
  // Eager: one key block holding every key; fused: blocks of keyBlock keys (multiples of the panel width).
  const kb = Math.ceil((mode === 'eager' ? nk : Math.min(keyBlock, nk)) / nr) * nr;
  const keyBlocks = Math.ceil(nk / kb);
  const dPad = Math.ceil(d / nr) * nr;
  const qb = mode === 'eager' ? nq : Math.min(queryBlock, nq);
  const count = Math.max(1, Math.min(ctx.lanes, units));
  const tasks: LaneTask[] = [];
  const F = AttentionField;
  for (let lane = 0; lane < count; lane++) {
    const ptr = ctx.temp(ATTENTION_FIELDS);
    const fields = ctx.heap.i32(ptr, ATTENTION_FIELDS);
    fields[F.q] = a.q.ptr; fields[F.ldq] = a.ldq; fields[F.k] = a.k.ptr; fields[F.ldk] = a.ldk; fields[F.v] = a.v.ptr; fields[F.ldv] = a.ldv;
    fields[F.out] = a.out.ptr; fields[F.ldo] = a.ldo;
    fields[F.unitStart] = Math.floor((units * lane) / count); fields[F.unitEnd] = Math.floor((units * (lane + 1)) / count);
    fields[F.heads] = heads; fields[F.nq] = nq; fields[F.nk] = nk; fields[F.d] = d; fields[F.kb] = kb; fields[F.qb] = qb;
    ctx.heap.f32(ptr + 4 * F.scale, 1)[0] = scale;
    fields[F.kPack] = ctx.temp(Math.max(1, keyBlocks * kb * d)); fields[F.vPack] = ctx.temp(Math.max(1, keyBlocks * kb * dPad));
    fields[F.s] = ctx.temp(Math.max(1, qb * kb));
    if (mode === 'fused') {
      fields[F.m] = ctx.temp(qb); fields[F.l] = ctx.temp(qb); fields[F.o] = ctx.temp(Math.max(1, qb * d));
    }
    fields[F.scratch] = ctx.scratch(lane);
    fields[F.probs] = probs ? probs.ptr : 0;
    fields[F.mask] = headMask ? headMask.ptr : 0;
    fields[F.bias] = a.bias ? a.bias.ptr : 0;
    fields[F.attnMask] = a.attnMask ? a.attnMask.ptr : 0;
    fields[F.windows] = maskWindows(a);
    tasks.push({ kernel: mode === 'fused' ? 'attention_fused' : 'attention_eager', args: [ptr] });
  }
  return [{ tasks }];
}

export const attentionFusedKernel: WasmKernel<AttentionArgs<WasmArray>> = {
  emit: (_mod, lib) => lib.attention(),
  plan: (a, ctx) => planAttention('fused', a, ctx),
};

export const attentionEagerKernel: WasmKernel<AttentionEagerArgs<WasmArray>> = {
  emit: (_mod, lib) => lib.attention(),
  plan: (a, ctx) => planAttention('eager', a, ctx),
};
