import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyActivationReference, linear, linearReference, linearRows, matmul, matmulReference, prepareLinear, type ActivationName } from '@purevit/core';
import { awkwardSize, randomArray, seed } from '../helpers/random.js';

/** Error bound of a float32 dot product: a few ulps of Σ|a·b| (we accumulate in float64, round at most a few times). */
function expectDotClose(actual: Float32Array, expected: Float32Array, magnitude: Float64Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const tol = 4e-7 * magnitude[i] + 1e-30;
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) throw new Error(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (tol ${tol})`);
  }
}

describe('linear', () => {
  it('matches the reference on awkward shapes, with and without bias, epilogue and residual', () => {
    const acts: (ActivationName | undefined)[] = [undefined, 'gelu', 'gelu_new', 'quick_gelu', 'relu', 'silu', 'tanh'];
    fc.assert(
      fc.property(awkwardSize(40), awkwardSize(70), awkwardSize(40), seed, fc.boolean(), fc.constantFrom(...acts), fc.boolean(),
        (rows, inF, outF, s, hasBias, activation, hasResidual) => {
          const x = randomArray(rows * inF, s, 2);
          const w = randomArray(outF * inF, s + 1, 1);
          const b = hasBias ? randomArray(outF, s + 2, 1) : null;
          const residual = hasResidual ? randomArray(rows * outF, s + 3, 1) : undefined;
          const layer = prepareLinear(w, b, outF, inF);
          const a = new Float32Array(rows * outF);
          const e = new Float32Array(rows * outF);
          linear(x, rows, layer, a, { activation, residual });
          // Truth: raw float64 product rounded once, then the reference epilogue.
          linearReference(x, rows, w, b, outF, inF, e);
          const mag = new Float64Array(rows * outF);
          for (let r = 0; r < rows; r++)
            for (let o = 0; o < outF; o++) {
              let m = b ? Math.abs(b[o]) : 0;
              for (let i = 0; i < inF; i++) m += Math.abs(x[r * inF + i] * w[o * inF + i]);
              mag[r * outF + o] = m;
            }
          const raw = new Float32Array(rows * outF);
          linear(x, rows, layer, raw);
          expectDotClose(raw, e, mag, 'linear');
          // The epilogue applied to the kernel's own product must match the reference epilogue exactly enough.
          const expected = new Float32Array(rows * outF);
          if (activation) applyActivationReference(activation, raw, expected);
          else expected.set(raw);
          if (residual) for (let i = 0; i < expected.length; i++) expected[i] += residual[i];
          for (let i = 0; i < expected.length; i++) {
            if (!(Math.abs(a[i] - expected[i]) <= 3e-7 * Math.abs(expected[i]) + 1e-6)) throw new Error(`epilogue ${activation}[${i}]: ${a[i]} vs ${expected[i]}`);
          }
        }),
      { numRuns: 80 },
    );
  });

  it('lets the residual be the output buffer (h = h + fc(x))', () => {
    const rows = 9, inF = 13, outF = 11;
    const x = randomArray(rows * inF, 1);
    const w = randomArray(outF * inF, 2);
    const h = randomArray(rows * outF, 3);
    const expected = new Float32Array(rows * outF);
    linearReference(x, rows, w, null, outF, inF, expected, { residual: h });
    const layer = prepareLinear(w, null, outF, inF);
    linear(x, rows, layer, h, { residual: h });
    for (let i = 0; i < h.length; i++) expect(Math.abs(h[i] - expected[i])).toBeLessThan(1e-5);
  });

  it('computes row ranges independently (for workers)', () => {
    const rows = 23, inF = 29, outF = 19;
    const x = randomArray(rows * inF, 4);
    const layer = prepareLinear(randomArray(outF * inF, 5), randomArray(outF, 6), outF, inF);
    const whole = new Float32Array(rows * outF);
    const parts = new Float32Array(rows * outF);
    linear(x, rows, layer, whole, { activation: 'gelu' });
    linearRows(x, 0, 7, layer, parts, { activation: 'gelu' });
    linearRows(x, 7, 23, layer, parts, { activation: 'gelu' });
    expect(Array.from(parts)).toEqual(Array.from(whole));
  });

  it('rejects mismatched weights and buffers with clear errors', () => {
    expect(() => prepareLinear(new Float32Array(5), null, 2, 3)).toThrow(/weight has 5 elements, expected \[2,3\]/);
    const layer = prepareLinear(new Float32Array(6), null, 2, 3);
    expect(() => linear(new Float32Array(5), 2, layer, new Float32Array(4))).toThrow(/x has 5 elements, needs 6/);
    expect(() => linear(new Float32Array(6), 2, layer, new Float32Array(4), { activation: 'nope' as ActivationName })).toThrow(/unknown activation/);
  });
});

describe('matmul', () => {
  it('matches the reference on awkward shapes', () => {
    fc.assert(
      fc.property(awkwardSize(40), awkwardSize(70), awkwardSize(40), seed, (m, k, n, s) => {
        const a = randomArray(m * k, s, 2);
        const b = randomArray(k * n, s + 1, 2);
        const got = new Float32Array(m * n);
        const want = new Float32Array(m * n);
        matmul(a, b, got, m, k, n);
        matmulReference(a, b, want, m, k, n);
        const mag = new Float64Array(m * n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) mag[i * n + j] += Math.abs(a[i * k + p] * b[p * n + j]);
        expectDotClose(got, want, mag, 'matmul');
      }),
      { numRuns: 60 },
    );
  });

  it('handles K larger than one cache block', () => {
    const m = 6, k = 1800, n = 7;
    const a = randomArray(m * k, 1);
    const b = randomArray(k * n, 2);
    const got = new Float32Array(m * n);
    const want = new Float32Array(m * n);
    matmul(a, b, got, m, k, n);
    matmulReference(a, b, want, m, k, n);
    for (let i = 0; i < m * n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4);
  });
});
