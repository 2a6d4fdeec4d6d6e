import fc from 'fast-check';
import type { ActivationName } from '@purevit/core';
import { awkwardSize, gamma, opCases, randomArray, seed } from '../harness.js';

const ACTIVATIONS: Array<ActivationName | undefined> = [undefined, 'gelu', 'gelu_new', 'quick_gelu', 'relu', 'silu', 'tanh', 'relu6', 'mish', 'leaky_relu'];

/** Bias, every kind of activation, a residual (also `out` itself), strided rows. */
export default opCases('linear', {
  numRuns: 25,
  cases: fc.record({
    rows: awkwardSize(24), k: awkwardSize(70), n: awkwardSize(40), s: seed, bias: fc.boolean(),
    activation: fc.constantFrom(...ACTIVATIONS), residual: fc.constantFrom('none', 'other', 'out'), pad: fc.integer({ min: 0, max: 3 }),
  }).map((c) => {
    const ldx = c.k + c.pad, ldo = c.n + 2 * c.pad;
    const x = randomArray(c.rows * ldx, c.s, 2), w = randomArray(c.n * c.k, c.s + 1), b = c.bias ? randomArray(c.n, c.s + 2) : null;
    const res = randomArray(c.rows * ldo, c.s + 3);
    // Float32 sums within γ_k·Σ|x·w| (activations here have slope ≤ 1.2), then the epilogue's roundings.
    const mag = new Float64Array(c.rows * ldo);
    for (let r = 0; r < c.rows; r++) {
      for (let o = 0; o < c.n; o++) {
        let m = b ? Math.abs(b[o]) : 0;
        for (let i = 0; i < c.k; i++) m += Math.abs(x[r * ldx + i] * w[o * c.k + i]);
        mag[r * ldo + o] = m + (c.residual === 'none' ? 0 : Math.abs(res[r * ldo + o]));
      }
    }
    return {
      label: JSON.stringify(c),
      build: (p) => {
        const out = c.residual === 'out' ? p.array(res) : p.zeros(c.rows * ldo);
        return {
          x: p.array(x), rows: c.rows, ldx, weight: p.linear(w, b, c.n, c.k), out, ldo, activation: c.activation,
          residual: c.residual === 'other' ? p.array(res) : c.residual === 'out' ? out : null, ldr: ldo,
        };
      },
      tolerance: (_f, ref) => (i) => 1.2 * gamma(c.k + 2) * mag[i] + 1e-6 * Math.abs(ref[i]) + 1e-6,
    };
  }),
});
