import type { AttentionIO, AttentionShape, Engine } from '@purevit/core';
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
  headMask?: Float32Array;
  /** [batch, heads, tokens, tokens]: receives the probabilities (forces eager). */
  probs?: Float32Array;
}

/** Scratch buffers of one attention call, owned by the caller's run state. */
export interface AttentionScratch {
  qkv: Float32Array; // [rows, 3·dim]
  context: Float32Array; // [rows, dim]
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
 * (row = [q | k | v], heads contiguous inside each), read in place by the attention kernel through
 * strided views, so nothing is transposed; the output projection can add the residual in its epilogue.
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

  /**
   * out[batch·tokens, dim] = proj(attention(qkv(x))) (+ residual). `out` must not alias `x` or `residual`.
   */
  async forward(
    x: Float32Array, // [batch·tokens, dim]
    batch: number,
    tokens: number,
    out: Float32Array, // [batch·tokens, dim]
    scratch: AttentionScratch,
    options: AttentionOptions,
    residual?: Float32Array, // [batch·tokens, dim]
  ): Promise<void> {
    const rows = batch * tokens;
    const d = this.dim;
    await this.qkv.forward(x, rows, scratch.qkv);
    if (this.qkNorm) await this.normalizeQk(scratch.qkv, rows, this.qkNorm);
    const io: AttentionIO = {
      q: scratch.qkv, qOffset: 0, qRowStride: 3 * d,
      k: scratch.qkv, kOffset: d, kRowStride: 3 * d,
      v: scratch.qkv, vOffset: 2 * d, vRowStride: 3 * d,
      out: scratch.context, outRowStride: d,
    };
    const shape: AttentionShape = { batch, heads: this.numHeads, queryLen: tokens, keyLen: tokens, headDim: this.headDim };
    const { headMask, probs } = options;
    if (options.implementation === 'fused' && !headMask && !probs) await this.engine.attentionFused(io, shape);
    else await this.engine.attentionEager(io, shape, { headMask, probs });
    await this.proj.forward(scratch.context, rows, out, undefined, residual);
  }

  /** In place: the q and k parts of each row hold numHeads contiguous head vectors, normed one by one. */
  private async normalizeQk(qkv: Float32Array, rows: number, norms: QkNorm): Promise<void> {
    const d = this.dim;
    for (let r = 0; r < rows; r++) {
      const q = qkv.subarray(r * 3 * d, r * 3 * d + d);
      const k = qkv.subarray(r * 3 * d + d, r * 3 * d + 2 * d);
      await norms.q.forward(q, this.numHeads, q);
      await norms.k.forward(k, this.numHeads, k);
    }
  }
}
