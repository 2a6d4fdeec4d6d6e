import { describe, expect, it } from 'vitest';
import { TestKernels } from './test-kernels.js';
import { WASM_ACTIVATIONS } from '../../src/backends/wasm/emit-math.js';
import { WasmHeap } from '../../src/backends/wasm/heap.js';
import { activation64, erf64, randomFloats, U32 } from './float64.js';

const be = TestKernels.create({ heap: new WasmHeap({ initialBytes: 8 << 20 }) });

/** A dense sweep of [-lo, hi] plus random values and special cases, as float32. */
function sweep(lo: number, hi: number, count: number): Float32Array {
  const xs = Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
  return Float32Array.from([...xs, ...randomFloats(1001, 3).map((v) => v * hi), 0, -0, 1e-30, -1e-30]);
}

/** |a - b| in units of the float32 spacing at |b| (ulps). */
function ulps(a: number, b: number): number {
  const e = Math.max(Math.floor(Math.log2(Math.abs(b) || 2 ** -126)), -126);
  return Math.abs(a - b) / 2 ** (e - 23);
}

describe('WASM vector math', () => {
  it('geluErf matches 0.5·x·(1 + erf(x/√2)) within 2 ulps of erf, relative to |x|', () => {
    const x = sweep(-10, 10, 20001);
    const out = new Float32Array(x.length);
    be.activation('geluErf', x, out);
    for (let i = 0; i < x.length; i++) {
      const expected = activation64.geluErf(x[i]);
      // erf is ≈ 2 ulps (≤ 2^-23 absolute), 1 + erf and the products round once each: ≤ |x|·2^-22
      expect(Math.abs(out[i] - expected)).toBeLessThanOrEqual(Math.abs(x[i]) * 4 * U32 + U32 * Math.abs(expected));
    }
  });

  it('1 + erf(x/√2), read back through geluErf for x ≥ 0, is within 4 ulps', () => {
    // gelu(x)/(0.5x) = 1 + erf(x/√2) up to two roundings; for x < 0 that sum cancels in float32 (as in torch).
    const x = sweep(0, 6, 6001).map(Math.abs);
    const out = new Float32Array(x.length);
    be.activation('geluErf', x, out);
    for (let i = 0; i < x.length; i++) {
      if (Math.abs(x[i]) < 1e-6) continue; // the read-back divides by x
      const onePlusErf = out[i] / (0.5 * x[i]);
      const u = ulps(onePlusErf, 1 + erf64(x[i] / Math.SQRT2));
      if (u > 4) throw new Error(`x=${x[i]} got ${onePlusErf} expected ${1 + erf64(x[i] / Math.SQRT2)}`);
    }
  });

  it('every activation matches float64 within 8 ulps of max(|x|, |y|), with NaN propagated', () => {
    const x = sweep(-30, 30, 6001);
    for (const act of WASM_ACTIVATIONS) {
      const out = new Float32Array(x.length);
      be.activation(act, x, out);
      for (let i = 0; i < x.length; i++) {
        const y = activation64[act](x[i]);
        const bound = 8 * U32 * Math.max(Math.abs(x[i]), Math.abs(y)) + 1e-38;
        if (!(Math.abs(out[i] - y) <= bound)) throw new Error(`${act}(${x[i]}) = ${out[i]}, expected ${y}`);
      }
      const nan = new Float32Array([NaN]);
      be.activation(act, nan, nan);
      expect(nan[0]).toBeNaN();
    }
  });

  it('softmax: exp within a few ulps, stable for ±1e4, -Infinity gives 0, NaN rows are NaN', () => {
    const cases: number[][] = [
      Array.from(randomFloats(37, 5), (v) => v * 20),
      [1e4, -1e4, 0, 1e4 - 1, 3],
      [-Infinity, 0, 1, -Infinity, 2, -Infinity, 0],
      [88, 87, -87, -88, -100, 0, 1, 2, 3],
      [0],
      Array.from(randomFloats(64, 8)),
    ];
    for (const row of cases) {
      const x = Float32Array.from(row);
      const out = new Float32Array(x.length);
      be.softmax(x, 1, x.length, out);
      const max = Math.max(...x);
      const e = Array.from(x, (v) => Math.exp(v - max));
      const sum = e.reduce((s, v) => s + v, 0);
      for (let j = 0; j < x.length; j++) {
        const expected = e[j] / sum;
        if (expected === 0) {
          expect(out[j]).toBe(0);
          continue;
        }
        // exp ≈ 2 ulps, x - max rounds (relative error u·|x - max| in the exponent), the sum and the scaling round;
        // results below the smallest normal float (2^-126) are flushed to 0
        const bound = expected * U32 * (8 + Math.abs(x[j] - max) + x.length) + 2 ** -126;
        if (!(Math.abs(out[j] - expected) <= bound)) throw new Error(`softmax(${row})[${j}] = ${out[j]}, expected ${expected}`);
      }
    }
    const nanRow = new Float32Array([1, NaN, 2, 3, 4]);
    be.softmax(nanRow, 1, 5, nanRow);
    expect(Array.from(nanRow).every(Number.isNaN)).toBe(true);
  });

  it('softmax over several rows equals row-by-row, in place', () => {
    const rows = 7, cols = 13;
    const x = randomFloats(rows * cols, 11);
    const whole = x.slice();
    be.softmax(whole, rows, cols, whole);
    for (let r = 0; r < rows; r++) {
      const row = x.slice(r * cols, (r + 1) * cols);
      be.softmax(row, 1, cols, row);
      expect(Array.from(whole.subarray(r * cols, (r + 1) * cols))).toEqual(Array.from(row));
    }
  });

  it('layerNorm matches float64 (weight, bias, none, in place) for dims that are and are not multiples of 4', () => {
    for (const dim of [1, 3, 4, 7, 16, 33, 768]) {
      const rows = 5;
      const x = randomFloats(rows * dim, dim).map((v, i) => v * 3 + (i % 7));
      const weight = randomFloats(dim, 2 * dim);
      const bias = randomFloats(dim, 3 * dim);
      for (const [w, b] of [[weight, bias], [null, null]] as const) {
        const out = new Float32Array(x.length);
        be.layerNorm(x, rows, dim, w, b, 1e-6, out);
        const inPlace = x.slice();
        be.layerNorm(inPlace, rows, dim, w, b, 1e-6, inPlace);
        expect(Array.from(inPlace)).toEqual(Array.from(out));
        for (let r = 0; r < rows; r++) {
          const row = Array.from(x.subarray(r * dim, (r + 1) * dim));
          const mean = row.reduce((s, v) => s + v, 0) / dim;
          const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / dim;
          const rstd = 1 / Math.sqrt(variance + 1e-6);
          for (let j = 0; j < dim; j++) {
            const normalised = (row[j] - mean) * rstd;
            const expected = normalised * (w ? w[j] : 1) + (b ? b[j] : 0);
            // the mean is a sum of dim terms: its error is ≤ γ_dim·max|x|, and so is that of x - mean (plus one
            // rounding); the variance's relative error is of the same order; scaled by rstd and |weight|
            const scale = Math.max(...row.map((v) => Math.abs(v))) * rstd * (w ? Math.abs(w[j]) : 1);
            const bound = (dim + 8) * U32 * (scale + Math.abs(normalised) + Math.abs(expected));
            if (!(Math.abs(out[r * dim + j] - expected) <= bound)) throw new Error(`layerNorm dim ${dim} [${r},${j}] = ${out[r * dim + j]}, expected ${expected}`);
          }
        }
      }
    }
  });
});
