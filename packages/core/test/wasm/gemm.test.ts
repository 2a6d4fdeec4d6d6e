import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestKernels, type GemmOptions } from './test-kernels.js';
import { DEFAULT_TILING, type GemmTiling } from '../../src/backends/wasm/emit-gemm.js';
import { WASM_ACTIVATIONS, type WasmActivation } from '../../src/backends/wasm/emit-math.js';
import { WasmHeap } from '../../src/backends/wasm/heap.js';
import { activation64, gamma, lipschitz, randomFloats, U32 } from './float64.js';

// One heap, several tilings: the default, and small ones so that tiny shapes cross k-blocks, row blocks,
// unroll remainders and partial panels.
const heap = new WasmHeap({ initialBytes: 4 << 20 });
const TILINGS: GemmTiling[] = [
  DEFAULT_TILING,
  { mr: 3, nr: 12, kc: 5, mc: 6, unroll: 3 },
  { mr: 5, nr: 4, kc: 7, mc: 10, unroll: 2 },
  { mr: 4, nr: 16, kc: 16, mc: 8, unroll: 1 },
];
const backends = TILINGS.map((tiling) => TestKernels.create({ heap, tiling }));

interface Case {
  tiling: number;
  m: number;
  k: number;
  n: number;
  padA: number;
  padC: number;
  bias: boolean;
  residual: boolean;
  accumulate: boolean;
  activation: WasmActivation;
  inHeap: boolean;
  seed: number;
}

const dim = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(1, 2, 3, 5, 7, 11, 13, 17, 31, 37), fc.integer({ min: 1, max: 70 }));
const caseArb: fc.Arbitrary<Case> = fc.record({
  tiling: fc.integer({ min: 0, max: TILINGS.length - 1 }),
  m: dim,
  k: dim,
  n: dim,
  padA: fc.integer({ min: 0, max: 3 }),
  padC: fc.integer({ min: 0, max: 3 }),
  bias: fc.boolean(),
  residual: fc.boolean(),
  accumulate: fc.boolean(),
  // relu2's slope grows with its input: the error bound below assumes slopes ≤ 1.2 (math.test.ts covers it).
  activation: fc.constantFrom(...WASM_ACTIVATIONS.filter((a) => a !== 'relu2')),
  inHeap: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** A float array either in the heap (used in place) or a plain one (staged through scratch). */
function place(values: Float32Array, inHeap: boolean): Float32Array {
  if (!inHeap) return values.slice();
  const a = heap.allocFloat32(values.length);
  a.set(values);
  return a;
}

/**
 * Runs one case and checks every element against float64 with a derived bound:
 * - the dot product (plus bias, plus the initial C when accumulating) is a sum of k+2 float32 terms in
 *   some order: |error| ≤ γ_{k+2} · Σ|terms| (Higham, Accuracy and Stability, Thm 3.5 / (3.4));
 *   float64 evaluation of the reference adds nothing visible (products of float32s are exact in float64);
 * - the activation propagates it by at most its Lipschitz constant L and adds its own error, bounded by
 *   8 ulps of max(|input|, |output|) (erf and exp measure ≈ 2 ulps, plus 2–3 roundings per formula);
 * - the residual add rounds once more: u · |result|.
 */
function check(c: Case): void {
  const be = backends[c.tiling];
  const { m, k, n } = c;
  const lda = k + c.padA;
  const ldc = n + c.padC;
  const a = randomFloats(m * lda, c.seed);
  const w = randomFloats(n * k, c.seed + 1); // torch layout [n, k]
  const bias = c.bias ? randomFloats(n, c.seed + 2) : null;
  const residual = c.residual ? randomFloats(m * n, c.seed + 3) : null;
  const c0 = randomFloats(m * ldc, c.seed + 4);
  const packed = be.packWeight(w, n, k);
  const A = place(a, c.inHeap);
  const C = place(c0, c.inHeap);
  const options: GemmOptions = {
    lda, ldc, accumulate: c.accumulate, activation: c.activation,
    bias: bias && place(bias, c.inHeap), residual: residual && place(residual, c.inHeap),
  };
  be.gemm(A, m, packed, C, options);

  const act = activation64[c.activation];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      let abs = 0;
      for (let q = 0; q < k; q++) {
        const p = a[i * lda + q] * w[j * k + q];
        dot += p;
        abs += Math.abs(p);
      }
      if (c.accumulate) { dot += c0[i * ldc + j]; abs += Math.abs(c0[i * ldc + j]); }
      if (bias) { dot += bias[j]; abs += Math.abs(bias[j]); }
      const y = act(dot);
      let bound = lipschitz[c.activation] * gamma(k + 2) * abs;
      if (c.activation !== 'identity') bound += 8 * U32 * Math.max(Math.abs(dot), Math.abs(y));
      const expected = residual ? y + residual[i * n + j] : y;
      if (residual) bound += U32 * Math.abs(expected) + bound * U32;
      const got = C[i * ldc + j];
      if (!(Math.abs(got - expected) <= bound + 1e-30)) {
        throw new Error(`C[${i},${j}] = ${got}, expected ${expected} ± ${bound} (${JSON.stringify(c)})`);
      }
    }
    // padding columns of C are untouched
    for (let j = n; j < ldc && i < m - 1; j++) expect(C[i * ldc + j]).toBe(c0[i * ldc + j]);
  }
  if (c.inHeap) {
    heap.freeArray(A);
    heap.freeArray(C);
    if (options.bias) heap.freeArray(options.bias);
    if (options.residual) heap.freeArray(options.residual);
  }
  be.freePacked(packed);
}

describe('WASM SIMD GEMM', () => {
  it('matches float64 on random shapes, strides and epilogues', () => {
    fc.assert(fc.property(caseArb, (c) => check(c)), { numRuns: 300 });
  });

  it('handles the awkward shapes of every tiling exhaustively around the tile sizes', () => {
    for (let t = 0; t < TILINGS.length; t++) {
      const { mr, nr } = TILINGS[t];
      for (const m of [1, mr - 1, mr, mr + 1, 2 * mr + 1].filter((v) => v >= 1)) {
        for (const n of [1, nr - 1, nr, nr + 1, 2 * nr + 3].filter((v) => v >= 1)) {
          for (const k of [1, 2, 7, 33]) {
            check({ tiling: t, m, k, n, padA: 1, padC: 2, bias: true, residual: true, accumulate: false, activation: 'geluErf', inHeap: true, seed: m * 1000 + n * 10 + k });
          }
        }
      }
    }
  });

  it('leaves the heap as it found it', () => {
    const before = heap.allocatedBytes;
    check({ tiling: 0, m: 9, k: 10, n: 11, padA: 0, padC: 0, bias: true, residual: true, accumulate: true, activation: 'silu', inHeap: false, seed: 5 });
    expect(heap.allocatedBytes).toBe(before);
  });

  it('accepts the output itself as the residual (out = act(x·W + b) + out), in the heap or not', () => {
    const be = backends[1];
    const m = 7, k = 9, n = 13;
    const a = randomFloats(m * k, 1), w = randomFloats(n * k, 2), bias = randomFloats(n, 3), before = randomFloats(m * n, 4);
    const packed = be.packWeight(w, n, k);
    for (const inHeap of [false, true]) {
      const separate = new Float32Array(m * n);
      be.gemm(a, m, packed, separate, { bias, activation: 'geluTanh', residual: before });
      const out = place(before, inHeap);
      be.gemm(a, m, packed, out, { bias, activation: 'geluTanh', residual: out });
      expect(Array.from(out)).toEqual(Array.from(separate));
      if (inHeap) heap.freeArray(out);
    }
  });

  it('k = 0 gives the epilogue of zero (or of C when accumulating)', () => {
    const be = backends[0];
    const packed = be.packWeight(new Float32Array(0), 3, 0);
    const c = new Float32Array([5, 5, 5, 5, 5, 5]);
    be.gemm(new Float32Array(0), 2, packed, c, { bias: new Float32Array([1, -2, 3]), activation: 'relu' });
    expect(Array.from(c)).toEqual([1, 0, 3, 1, 0, 3]);
    c.fill(1);
    be.gemm(new Float32Array(0), 2, packed, c, { accumulate: true });
    expect(Array.from(c)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('rejects operands that are too short, a foreign packing, and unknown activations', () => {
    const be = backends[0];
    const packed = be.packWeight(new Float32Array(6), 3, 2);
    expect(() => be.gemm(new Float32Array(3), 2, packed, new Float32Array(6))).toThrow(/A has 3 values, needs 4/);
    expect(() => be.gemm(new Float32Array(4), 2, packed, new Float32Array(5))).toThrow(/C has 5 values/);
    expect(() => backends[1].gemm(new Float32Array(4), 2, packed, new Float32Array(6))).toThrow(/packed for nr=8/);
    expect(() => be.gemm(new Float32Array(4), 2, packed, new Float32Array(6), { activation: 'swish2' as WasmActivation })).toThrow(/unsupported activation "swish2"/);
  });

  it('packs a row-major B like the transposed weight', () => {
    const be = backends[1];
    const k = 5, n = 14;
    const w = randomFloats(n * k, 9);
    const b = new Float32Array(k * n);
    for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) b[q * n + j] = w[j * k + q];
    expect(Array.from(be.packMatrix(b, k, n).data)).toEqual(Array.from(be.packWeight(w, n, k).data));
  });

  it('packs strided views (one attention head of token-major K and V) like their dense copies', () => {
    const be = backends[0];
    const tokens = 13, heads = 3, headDim = 5, stride = heads * headDim + 2;
    const kv = randomFloats(tokens * stride, 4);
    for (let h = 0; h < heads; h++) {
      const view = kv.subarray(h * headDim);
      const dense = new Float32Array(tokens * headDim);
      for (let t = 0; t < tokens; t++) dense.set(kv.subarray(t * stride + h * headDim, t * stride + h * headDim + headDim), t * headDim);
      // scores = q · Kᵀ: B = Kᵀ [headDim, tokens]; out = p · V: B = V [tokens, headDim]
      expect(Array.from(be.packWeight(view, tokens, headDim, stride).data)).toEqual(Array.from(be.packWeight(dense, tokens, headDim).data));
      expect(Array.from(be.packMatrix(view, tokens, headDim, stride).data)).toEqual(Array.from(be.packMatrix(dense, tokens, headDim).data));
    }
  });
});
