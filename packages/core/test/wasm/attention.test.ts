import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmHeap } from '../../src/backends/wasm/heap.js';
import { gamma, randomFloats, U32 } from './float64.js';
import { attentionWasm, TestKernels, type AttentionIO, type AttentionShape } from './test-kernels.js';

const be = TestKernels.create({ heap: new WasmHeap({ initialBytes: 8 << 20 }) });
const attentionFusedWasm = (b: TestKernels, io: AttentionIO, shape: AttentionShape, keyBlock?: number): void => attentionWasm(b, 'fused', io, shape, { keyBlock });
const attentionEagerWasm = (b: TestKernels, io: AttentionIO, shape: AttentionShape, options: { headMask?: Float32Array; probs?: Float32Array } = {}): void =>
  attentionWasm(b, 'eager', io, shape, options);

interface Case {
  batch: number; heads: number; queryLen: number; keyLen: number; headDim: number;
  fusedQkv: boolean; inHeap: boolean; keyBlock: number; scale: number | undefined; seed: number;
}

/** Buffers for a case: q, k, v as views of one token-major qkv projection (as ViT's) or separate padded ones. */
function buffers(c: Case): AttentionIO {
  const width = c.heads * c.headDim;
  const place = (a: Float32Array): Float32Array => {
    if (!c.inHeap) return a;
    const h = be.heap.allocFloat32(a.length);
    h.set(a);
    return h;
  };
  const out = place(new Float32Array(c.batch * c.queryLen * (width + 1)));
  if (c.fusedQkv && c.queryLen === c.keyLen) {
    const qkv = place(randomFloats(c.batch * c.queryLen * 3 * width, c.seed).map((v) => v * 2));
    return { q: qkv, qOffset: 0, qRowStride: 3 * width, k: qkv, kOffset: width, kRowStride: 3 * width, v: qkv, vOffset: 2 * width, vRowStride: 3 * width, out, outRowStride: width + 1 };
  }
  const q = place(randomFloats(c.batch * c.queryLen * (width + 2) + 3, c.seed).map((v) => v * 2));
  const k = place(randomFloats(c.batch * c.keyLen * (width + 1) + 1, c.seed + 1).map((v) => v * 2));
  const v = place(randomFloats(c.batch * c.keyLen * width, c.seed + 2));
  return { q, qOffset: 3, qRowStride: width + 2, k, kOffset: 1, kRowStride: width + 1, v, vOffset: 0, vRowStride: width, out, outRowStride: width + 1 };
}

/**
 * Checks every output against float64 attention with a derived bound: a score's error is ≤ γ_d·Σ|q·scale||k|
 * (=: Δs); a probability then has relative error ≤ 2Δs + (keyLen + 16)u (exp ≈ 2 ulps, the sum of keyLen terms,
 * the division); the output Σ p·v adds γ_keyLen·Σ p|v|: in all ≤ Σ_j p_j|v_j|·(2Δs + (2·keyLen + 16)u).
 */
function check(c: Case, io: AttentionIO, probs?: Float32Array, headMask?: Float32Array): void {
  const s: AttentionShape = c;
  const scale = c.scale ?? c.headDim ** -0.5;
  const q = (b: number, n: number, h: number, d: number): number => io.q[io.qOffset + (b * c.queryLen + n) * io.qRowStride + h * c.headDim + d];
  const k = (b: number, n: number, h: number, d: number): number => io.k[io.kOffset + (b * c.keyLen + n) * io.kRowStride + h * c.headDim + d];
  const v = (b: number, n: number, h: number, d: number): number => io.v[io.vOffset + (b * c.keyLen + n) * io.vRowStride + h * c.headDim + d];
  for (let b = 0; b < s.batch; b++) {
    for (let h = 0; h < s.heads; h++) {
      for (let i = 0; i < s.queryLen; i++) {
        const scores: number[] = [];
        let ds = 0;
        for (let j = 0; j < s.keyLen; j++) {
          let dot = 0, abs = 0;
          for (let d = 0; d < s.headDim; d++) {
            dot += q(b, i, h, d) * scale * k(b, j, h, d);
            abs += Math.abs(q(b, i, h, d) * scale * k(b, j, h, d));
          }
          scores.push(dot);
          ds = Math.max(ds, gamma(s.headDim + 1) * abs);
        }
        const max = Math.max(...scores);
        const e = scores.map((x) => Math.exp(x - max));
        const sum = e.reduce((a, x) => a + x, 0);
        const p = e.map((x) => (x / sum) * (headMask ? headMask[h] : 1));
        if (probs) {
          for (let j = 0; j < s.keyLen; j++) {
            const got = probs[((b * s.heads + h) * s.queryLen + i) * s.keyLen + j];
            expect(Math.abs(got - p[j])).toBeLessThanOrEqual(p[j] * (2 * ds + (s.keyLen + 16) * U32) + 2 ** -126);
          }
        }
        for (let d = 0; d < s.headDim; d++) {
          let expected = 0, mag = 0;
          for (let j = 0; j < s.keyLen; j++) {
            expected += p[j] * v(b, j, h, d);
            mag += Math.abs(p[j] * v(b, j, h, d));
          }
          const got = io.out[(b * s.queryLen + i) * io.outRowStride + h * s.headDim + d];
          const bound = mag * (2 * ds + (2 * s.keyLen + 16) * U32) + 1e-30;
          if (!(Math.abs(got - expected) <= bound)) throw new Error(`out(${b},${i},${h},${d}) = ${got}, expected ${expected} ± ${bound} (${JSON.stringify(c)})`);
        }
      }
    }
  }
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  batch: fc.integer({ min: 1, max: 2 }),
  heads: fc.integer({ min: 1, max: 3 }),
  queryLen: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(1, 17, 37)),
  keyLen: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(1, 17, 37, 50)),
  headDim: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(8, 16, 13)),
  fusedQkv: fc.boolean(),
  inHeap: fc.boolean(),
  keyBlock: fc.constantFrom(1, 8, 16, 128),
  scale: fc.constantFrom(undefined, 0.3),
  seed: fc.integer({ min: 1, max: 1e9 }),
});

describe('WASM attention', () => {
  it('eager and fused match float64 on random shapes, strided and fused-qkv layouts', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const io = buffers(c);
        attentionFusedWasm(be, io, c, c.keyBlock);
        check(c, io);
        io.out.fill(0);
        attentionEagerWasm(be, io, c);
        check(c, io);
      }),
      { numRuns: 120 },
    );
  });

  it('eager returns head-masked probabilities', () => {
    const c: Case = { batch: 2, heads: 3, queryLen: 9, keyLen: 11, headDim: 6, fusedQkv: false, inHeap: false, keyBlock: 8, scale: undefined, seed: 3 };
    const io = buffers(c);
    const probs = new Float32Array(2 * 3 * 9 * 11);
    const headMask = Float32Array.from([1, 0, 0.5]);
    attentionEagerWasm(be, io, c, { probs, headMask });
    check(c, io, probs, headMask);
  });

  it('fused agrees with eager within timm\'s atol 1e-5 at ViT-B sizes', () => {
    const c: Case = { batch: 1, heads: 2, queryLen: 197, keyLen: 197, headDim: 64, fusedQkv: true, inHeap: true, keyBlock: 128, scale: undefined, seed: 7 };
    const io = buffers(c);
    attentionEagerWasm(be, io, c);
    const eager = io.out.slice();
    attentionFusedWasm(be, io, c);
    for (let i = 0; i < eager.length; i++) expect(Math.abs(io.out[i] - eager[i])).toBeLessThanOrEqual(1e-5);
  });

  it('keeps the heap balanced (argument checks are the op declaration\'s, see test/engine)', () => {
    const c: Case = { batch: 1, heads: 2, queryLen: 5, keyLen: 5, headDim: 4, fusedQkv: true, inHeap: false, keyBlock: 8, scale: undefined, seed: 1 };
    const io = buffers(c);
    const before = be.heap.allocatedBytes;
    attentionFusedWasm(be, io, c);
    attentionEagerWasm(be, io, c);
    expect(be.heap.allocatedBytes).toBe(before);
  });
});
