import { checkLength, checkSize } from './check.js';

/** Sizes of one scaled-dot-product attention call. */
export interface AttentionShape {
  batch: number;
  heads: number;
  queryLen: number;
  keyLen: number;
  headDim: number;
  /** Multiplies q·kᵀ; defaults to headDim ** -0.5. */
  scale?: number;
}

/**
 * Token-major, strided attention buffers, so q, k and v can be views into one fused qkv projection and
 * `out` feeds the output projection without transposes:
 *   q(b, n, h, d) = q[qOffset + (b * queryLen + n) * qRowStride + h * headDim + d]
 *   k(b, n, h, d) = k[kOffset + (b * keyLen + n) * kRowStride + h * headDim + d]   (v likewise)
 *   out(b, n, h, d) = out[(b * queryLen + n) * outRowStride + h * headDim + d]
 */
export interface AttentionIO {
  q: Float32Array; qOffset: number; qRowStride: number;
  k: Float32Array; kOffset: number; kRowStride: number;
  v: Float32Array; vOffset: number; vRowStride: number;
  out: Float32Array; outRowStride: number;
}

export interface AttentionEagerOptions {
  /** [heads]: multiplies the probabilities of each head after the softmax (transformers' head_mask). */
  headMask?: Float32Array;
  /** [batch, heads, queryLen, keyLen]: receives the probabilities, after the head mask. */
  probs?: Float32Array;
}

/** Checks sizes and buffer extents; returns the scale. */
export function checkAttention(kernel: string, io: AttentionIO, s: AttentionShape): number {
  for (const key of ['batch', 'heads', 'queryLen', 'keyLen', 'headDim'] as const) checkSize(kernel, key, s[key]);
  const width = s.heads * s.headDim;
  const need = (what: string, a: Float32Array, offset: number, stride: number, rows: number): void => {
    checkSize(kernel, `${what}Offset`, offset);
    if (stride < width) throw new RangeError(`${kernel}: ${what}RowStride ${stride} is smaller than heads*headDim = ${width}`);
    if (rows > 0) checkLength(kernel, what, a, offset + (rows - 1) * stride + width);
  };
  need('q', io.q, io.qOffset, io.qRowStride, s.batch * s.queryLen);
  need('k', io.k, io.kOffset, io.kRowStride, s.batch * s.keyLen);
  need('v', io.v, io.vOffset, io.vRowStride, s.batch * s.keyLen);
  need('out', io.out, 0, io.outRowStride, s.batch * s.queryLen);
  return s.scale ?? s.headDim ** -0.5;
}
