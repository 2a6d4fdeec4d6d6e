import type { DeviceArray, Engine } from '@purevit/core';
import type { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';

/**
 * "fused": online-softmax attention that never materialises the score matrix (transformers' "sdpa"
 * analogue, the default). "eager": explicit probabilities; needed to return them or apply a head mask.
 */
export type AttentionImplementation = 'eager' | 'fused';

export interface AttentionOptions {
  implementation: AttentionImplementation;
  /** [heads]: multiplies each head's probabilities (forces eager). */
  headMask?: DeviceArray;
  /** [batch, heads, tokens, tokens]: receives the probabilities (forces eager). */
  probs?: DeviceArray;
  /** [heads, tokens, tokens]: added to the scores (relative position bias: BEiT, Swin). */
  bias?: DeviceArray;
  /** [windows, tokens, tokens]: added to the scores of batch b from mask b mod windows (Swin's shifted windows). */
  attnMask?: DeviceArray;
}

/** Scratch buffers of one attention call, owned by the caller's run state. */
export interface AttentionScratch {
  qkv: DeviceArray; // [rows, 3·dim]
  context: DeviceArray; // [rows, dim]
}

/**
 * timm's qk_norm: LayerNorms over each head's query and key vectors (dim = headDim), applied after
 * the qkv projection and before the scores (timm Attention `q_norm` / `k_norm`).
 */
export interface QkNorm {
  q: LayerNorm; // over headDim
  k: LayerNorm; // over headDim
}

/**
 * Multi-head self-attention over token-major activations. q, k and v come from ONE fused projection
 * (row = [q | k | v], heads contiguous inside each), read in place by the attention op through strided
 * views, so nothing is transposed; the output projection can add the residual in its epilogue.
 */
export class Attention {
  readonly dim: number;
  readonly headDim: number;
  readonly engine: Engine;

  constructor(
    readonly qkv: Linear, // dim → 3·dim
    readonly proj: Linear, // dim → dim
    readonly numHeads: number,
    readonly qkNorm: QkNorm | null = null,
  ) {
    this.dim = proj.outFeatures;
    if (qkv.outFeatures !== 3 * this.dim || qkv.inFeatures !== this.dim || proj.inFeatures !== this.dim) {
      throw new RangeError(`Attention: qkv ${qkv.inFeatures}→${qkv.outFeatures} and proj ${proj.inFeatures}→${proj.outFeatures} do not fit dim ${this.dim}`);
    }
    if (this.dim % numHeads !== 0) throw new RangeError(`Attention: dim ${this.dim} is not a multiple of ${numHeads} heads`);
    this.headDim = this.dim / numHeads;
    this.engine = qkv.engine;
    if (qkNorm && (qkNorm.q.dim !== this.headDim || qkNorm.k.dim !== this.headDim)) {
      throw new RangeError(`Attention: q/k norms over ${qkNorm.q.dim}/${qkNorm.k.dim} values do not fit head dim ${this.headDim}`);
    }
  }

  /** out[batch·tokens, dim] = proj(attention(qkv(x))) (+ residual). `out` must not overlap `x` or `residual`. */
  forward(
    x: DeviceArray, // [batch·tokens, dim]
    batch: number,
    tokens: number,
    out: DeviceArray, // [batch·tokens, dim]
    scratch: AttentionScratch,
    options: AttentionOptions,
    residual?: DeviceArray, // [batch·tokens, dim]
  ): void {
    const rows = batch * tokens;
    const d = this.dim;
    const { qkv, context } = scratch;
    this.qkv.forward({ x, rows, out: qkv });
    const q = qkv, k = qkv.view(d), v = qkv.view(2 * d);
    if (this.qkNorm) {
      // Every head's q (then k) vector of every row, normed in place: one call each.
      const layout = { segments: this.numHeads, ldx: 3 * d, ldo: 3 * d };
      this.qkNorm.q.forward(q, rows, q, layout);
      this.qkNorm.k.forward(k, rows, k, layout);
    }
    const args = {
      q, ldq: 3 * d, k, ldk: 3 * d, v, ldv: 3 * d, out: context, ldo: d,
      batch, heads: this.numHeads, queryLen: tokens, keyLen: tokens, headDim: this.headDim,
      bias: options.bias ?? null, attnMask: options.attnMask ?? null,
    };
    const { headMask, probs } = options;
    if (options.implementation === 'fused' && !headMask && !probs) this.engine.ops.attentionFused(args);
    else this.engine.ops.attentionEager({ ...args, headMask, probs });
    this.proj.forward({ x: context, rows, out, residual });
  }
}
