import { checkAttention, type AttentionEagerOptions, type AttentionIO, type AttentionShape } from '../kernels/attention-io.js';
import { checkLength } from '../kernels/check.js';

/** softmax(q·kᵀ·scale) · v, one query at a time, in float64; the ground truth for both attention kernels. */
export function attentionReference(io: AttentionIO, shape: AttentionShape, options: AttentionEagerOptions = {}): void {
  const scale = checkAttention('attentionReference', io, shape);
  const { batch, heads, queryLen, keyLen, headDim } = shape;
  const { headMask, probs } = options;
  if (headMask) checkLength('attentionReference', 'headMask', headMask, heads);
  if (probs) checkLength('attentionReference', 'probs', probs, batch * heads * queryLen * keyLen);
  const p = new Float64Array(keyLen);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < queryLen; i++) {
        const qo = io.qOffset + (b * queryLen + i) * io.qRowStride + h * headDim;
        let max = -Infinity;
        for (let j = 0; j < keyLen; j++) {
          const ko = io.kOffset + (b * keyLen + j) * io.kRowStride + h * headDim;
          let s = 0;
          for (let d = 0; d < headDim; d++) s += io.q[qo + d] * io.k[ko + d];
          p[j] = s * scale;
          max = Math.max(max, p[j]);
        }
        let sum = 0;
        for (let j = 0; j < keyLen; j++) {
          p[j] = Math.exp(p[j] - max);
          sum += p[j];
        }
        const m = headMask ? headMask[h] : 1;
        for (let j = 0; j < keyLen; j++) p[j] = (p[j] / sum) * m;
        if (probs) {
          const po = ((b * heads + h) * queryLen + i) * keyLen;
          for (let j = 0; j < keyLen; j++) probs[po + j] = p[j];
        }
        const oo = (b * queryLen + i) * io.outRowStride + h * headDim;
        for (let d = 0; d < headDim; d++) {
          let s = 0;
          for (let j = 0; j < keyLen; j++) s += p[j] * io.v[io.vOffset + (b * keyLen + j) * io.vRowStride + h * headDim + d];
          io.out[oo + d] = s;
        }
      }
    }
  }
}
