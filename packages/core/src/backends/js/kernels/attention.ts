import { expf } from '../../../host/exp.js';
import { maskWindows, type AttentionArgs } from '../../../ops/attention-args.js';
import type { AttentionEagerArgs } from '../../../ops/attention-eager.js';

/**
 * Scaled dot-product attention on the token-major strided layout (see ops/attention-args.ts). Both kernels take
 * queries four at a time and run q·kᵀ and p·v as 4×4 register tiles (4 queries × 4 keys, then 4 queries ×
 * 4 head dims), accumulating in float64. `attentionEager` materialises each probability row (it can return
 * them and apply a head mask); `attentionFused` walks the keys in tiles with an online softmax.
 */

const QB = 4; // queries per block
const KT = 64; // keys per tile of the fused kernel

interface Scratch {
  q: Float64Array; // [headDim, QB]: the block's queries, scaled, k-major
  s: Float64Array; // [keys, QB]: scores, then probabilities
  acc: Float64Array; // [QB, headDim]
}
let scratch: Scratch = { q: new Float64Array(0), s: new Float64Array(0), acc: new Float64Array(0) };
function getScratch(headDim: number, keys: number): Scratch {
  if (scratch.q.length < headDim * QB || scratch.s.length < keys * QB) {
    scratch = {
      q: new Float64Array(Math.max(scratch.q.length, headDim * QB)),
      s: new Float64Array(Math.max(scratch.s.length, keys * QB)),
      acc: new Float64Array(Math.max(scratch.acc.length, headDim * QB)),
    };
  }
  return scratch;
}

/** Loads queries i0..i0+QB of head h (zero past the end), multiplied by `scale`, into qp[d * QB + qi]. */
function loadQueries(io: AttentionArgs<Float32Array>, qp: Float64Array, base: number, i0: number, nq: number, h: number, headDim: number, scale: number): void {
  for (let qi = 0; qi < QB; qi++) {
    const row = (base + i0 + qi) * io.ldq + h * headDim;
    for (let d = 0; d < headDim; d++) qp[d * QB + qi] = qi < nq ? io.q[row + d] * scale : 0;
  }
}

/** s[(j - j0) * QB + qi] = qp[:, qi] · k(j) for keys j in [j0, j1); `kb` = offset of key 0's head slice. */
function scores(k: Float32Array, kb: number, ks: number, qp: Float64Array, s: Float64Array, j0: number, j1: number, headDim: number): void {
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const k0 = kb + j * ks, k1 = k0 + ks, k2 = k1 + ks, k3 = k2 + ks;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let d = 0, p = 0; d < headDim; d++, p += 4) {
      const q0 = qp[p], q1 = qp[p + 1], q2 = qp[p + 2], q3 = qp[p + 3];
      let x = k[k0 + d];
      c00 += q0 * x; c10 += q1 * x; c20 += q2 * x; c30 += q3 * x;
      x = k[k1 + d];
      c01 += q0 * x; c11 += q1 * x; c21 += q2 * x; c31 += q3 * x;
      x = k[k2 + d];
      c02 += q0 * x; c12 += q1 * x; c22 += q2 * x; c32 += q3 * x;
      x = k[k3 + d];
      c03 += q0 * x; c13 += q1 * x; c23 += q2 * x; c33 += q3 * x;
    }
    const o = (j - j0) * QB;
    s[o] = c00; s[o + 1] = c10; s[o + 2] = c20; s[o + 3] = c30;
    s[o + 4] = c01; s[o + 5] = c11; s[o + 6] = c21; s[o + 7] = c31;
    s[o + 8] = c02; s[o + 9] = c12; s[o + 10] = c22; s[o + 11] = c32;
    s[o + 12] = c03; s[o + 13] = c13; s[o + 14] = c23; s[o + 15] = c33;
  }
  for (; j < j1; j++) {
    const k0 = kb + j * ks;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let d = 0, p = 0; d < headDim; d++, p += 4) {
      const x = k[k0 + d];
      c0 += qp[p] * x; c1 += qp[p + 1] * x; c2 += qp[p + 2] * x; c3 += qp[p + 3] * x;
    }
    const o = (j - j0) * QB;
    s[o] = c0; s[o + 1] = c1; s[o + 2] = c2; s[o + 3] = c3;
  }
}

/** acc[qi * headDim + d] += Σ_j s[(j - j0) * QB + qi] · v(j, d) over keys j in [j0, j1). */
function accumulate(v: Float32Array, vb: number, vs: number, s: Float64Array, acc: Float64Array, j0: number, j1: number, headDim: number): void {
  const D = headDim;
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    let c00 = acc[d], c01 = acc[d + 1], c02 = acc[d + 2], c03 = acc[d + 3];
    let c10 = acc[D + d], c11 = acc[D + d + 1], c12 = acc[D + d + 2], c13 = acc[D + d + 3];
    let c20 = acc[2 * D + d], c21 = acc[2 * D + d + 1], c22 = acc[2 * D + d + 2], c23 = acc[2 * D + d + 3];
    let c30 = acc[3 * D + d], c31 = acc[3 * D + d + 1], c32 = acc[3 * D + d + 2], c33 = acc[3 * D + d + 3];
    for (let j = j0, o = 0; j < j1; j++, o += 4) {
      const vo = vb + j * vs + d;
      const v0 = v[vo], v1 = v[vo + 1], v2 = v[vo + 2], v3 = v[vo + 3];
      let p = s[o];
      c00 += p * v0; c01 += p * v1; c02 += p * v2; c03 += p * v3;
      p = s[o + 1];
      c10 += p * v0; c11 += p * v1; c12 += p * v2; c13 += p * v3;
      p = s[o + 2];
      c20 += p * v0; c21 += p * v1; c22 += p * v2; c23 += p * v3;
      p = s[o + 3];
      c30 += p * v0; c31 += p * v1; c32 += p * v2; c33 += p * v3;
    }
    acc[d] = c00; acc[d + 1] = c01; acc[d + 2] = c02; acc[d + 3] = c03;
    acc[D + d] = c10; acc[D + d + 1] = c11; acc[D + d + 2] = c12; acc[D + d + 3] = c13;
    acc[2 * D + d] = c20; acc[2 * D + d + 1] = c21; acc[2 * D + d + 2] = c22; acc[2 * D + d + 3] = c23;
    acc[3 * D + d] = c30; acc[3 * D + d + 1] = c31; acc[3 * D + d + 2] = c32; acc[3 * D + d + 3] = c33;
  }
  for (; d < D; d++) {
    let c0 = acc[d], c1 = acc[D + d], c2 = acc[2 * D + d], c3 = acc[3 * D + d];
    for (let j = j0, o = 0; j < j1; j++, o += 4) {
      const x = v[vb + j * vs + d];
      c0 += s[o] * x; c1 += s[o + 1] * x; c2 += s[o + 2] * x; c3 += s[o + 3] * x;
    }
    acc[d] = c0; acc[D + d] = c1; acc[2 * D + d] = c2; acc[3 * D + d] = c3;
  }
}

/**
 * The additive terms on the block's scores: s[(j - j0)·QB + qi] += bias[h, i, j], then += attnMask[b mod
 * windows, i, j], for the block's real queries i = i0 + qi and keys j in [j0, j1).
 */
function addScoreTerms(io: AttentionArgs<Float32Array>, s: Float64Array, b: number, h: number, i0: number, nq: number, j0: number, j1: number): void {
  const { queryLen, keyLen } = io;
  const add = (terms: Float32Array, index: number): void => {
    for (let qi = 0; qi < nq; qi++) {
      const row = (index * queryLen + i0 + qi) * keyLen;
      for (let j = j0; j < j1; j++) s[(j - j0) * QB + qi] += terms[row + j];
    }
  };
  if (io.bias) add(io.bias, h);
  if (io.attnMask) add(io.attnMask, b % maskWindows(io));
}

function store(io: AttentionArgs<Float32Array>, acc: Float64Array, base: number, i0: number, nq: number, h: number, headDim: number, norm: ArrayLike<number>): void {
  for (let qi = 0; qi < nq; qi++) {
    const o = (base + i0 + qi) * io.ldo + h * headDim;
    const f = norm[qi];
    for (let d = 0; d < headDim; d++) io.out[o + d] = acc[qi * headDim + d] * f;
  }
}

/** softmax(q·kᵀ·scale)·v materialising the probabilities (transformers' eager attention). */
export function attentionEagerKernel(io: AttentionEagerArgs<Float32Array>): void {
  attentionEagerUnits(io, 0, io.batch * io.heads);
}

/** `attentionEagerKernel` for the (batch, head) pairs u = b·heads + h in [unitStart, unitEnd). */
export function attentionEagerUnits(io: AttentionEagerArgs<Float32Array>, unitStart: number, unitEnd: number): void {
  const { batch, heads, queryLen, keyLen, headDim } = io;
  const scale = io.scale ?? headDim ** -0.5;
  const headMask = io.headMask ?? null, probs = io.probs ?? null;
  const { q: qp, s, acc } = getScratch(headDim, keyLen);
  const ones = [1, 1, 1, 1];
  for (let u = unitStart; u < Math.min(unitEnd, batch * heads); u++) {
    const b = Math.floor(u / heads);
    const h = u - b * heads;
    const kb = b * keyLen * io.ldk + h * headDim;
    const vb = b * keyLen * io.ldv + h * headDim;
    const mask = headMask ? headMask[h] : 1;
    for (let i0 = 0; i0 < queryLen; i0 += QB) {
      const nq = Math.min(QB, queryLen - i0);
      loadQueries(io, qp, b * queryLen, i0, nq, h, headDim, scale);
      scores(io.k, kb, io.ldk, qp, s, 0, keyLen, headDim);
      addScoreTerms(io, s, b, h, i0, nq, 0, keyLen);
      for (let qi = 0; qi < QB; qi++) {
        let max = -Infinity;
        for (let j = 0; j < keyLen; j++) if (s[j * QB + qi] > max) max = s[j * QB + qi];
        let sum = 0;
        for (let j = 0; j < keyLen; j++) {
          const e = expf(s[j * QB + qi] - max);
          s[j * QB + qi] = e;
          sum += e;
        }
        const f = mask / sum;
        for (let j = 0; j < keyLen; j++) s[j * QB + qi] *= f;
        if (probs && qi < nq) {
          const po = ((b * heads + h) * queryLen + i0 + qi) * keyLen;
          for (let j = 0; j < keyLen; j++) probs[po + j] = s[j * QB + qi];
        }
      }
      acc.fill(0, 0, QB * headDim);
      accumulate(io.v, vb, io.ldv, s, acc, 0, keyLen, headDim);
      store(io, acc, b * queryLen, i0, nq, h, headDim, ones);
    }
  }
}

/** The same result as the eager kernel with an online softmax over key tiles; never allocates queryLen × keyLen. */
export function attentionFusedKernel(io: AttentionArgs<Float32Array>): void {
  attentionFusedUnits(io, 0, io.batch * io.heads);
}

/** `attentionFusedKernel` for the (batch, head) pairs u = b·heads + h in [unitStart, unitEnd). */
export function attentionFusedUnits(io: AttentionArgs<Float32Array>, unitStart: number, unitEnd: number): void {
  const { batch, heads, queryLen, keyLen, headDim } = io;
  const scale = io.scale ?? headDim ** -0.5;
  const { q: qp, s, acc } = getScratch(headDim, KT);
  const m = new Float64Array(QB); // running max per query
  const l = new Float64Array(QB); // running sum of exp(score - m)
  const norm = new Float64Array(QB);
  for (let u = unitStart; u < Math.min(unitEnd, batch * heads); u++) {
    const b = Math.floor(u / heads);
    const h = u - b * heads;
    const kb = b * keyLen * io.ldk + h * headDim;
    const vb = b * keyLen * io.ldv + h * headDim;
    for (let i0 = 0; i0 < queryLen; i0 += QB) {
      const nq = Math.min(QB, queryLen - i0);
      loadQueries(io, qp, b * queryLen, i0, nq, h, headDim, scale);
      m.fill(-Infinity);
      l.fill(0);
      acc.fill(0, 0, QB * headDim);
      for (let j0 = 0; j0 < keyLen; j0 += KT) {
        const j1 = Math.min(keyLen, j0 + KT);
        const kt = j1 - j0;
        scores(io.k, kb, io.ldk, qp, s, j0, j1, headDim);
        addScoreTerms(io, s, b, h, i0, nq, j0, j1);
        for (let qi = 0; qi < QB; qi++) {
          let max = m[qi];
          for (let t = 0; t < kt; t++) if (s[t * QB + qi] > max) max = s[t * QB + qi];
          // Rescale what was accumulated under the old max (exp(-inf) = 0 on the first tile).
          const c = max === m[qi] ? 1 : expf(m[qi] - max);
          let sum = 0;
          for (let t = 0; t < kt; t++) {
            const e = expf(s[t * QB + qi] - max);
            s[t * QB + qi] = e;
            sum += e;
          }
          l[qi] = l[qi] * c + sum;
          m[qi] = max;
          if (c !== 1) for (let d = qi * headDim; d < (qi + 1) * headDim; d++) acc[d] *= c;
        }
        accumulate(io.v, vb, io.ldv, s, acc, j0, j1, headDim);
      }
      for (let qi = 0; qi < QB; qi++) norm[qi] = keyLen === 0 ? 0 : 1 / l[qi]; // no keys: zeros, as torch
      store(io, acc, b * queryLen, i0, nq, h, headDim, norm);
    }
  }
}
