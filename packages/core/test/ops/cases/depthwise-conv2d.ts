import fc from 'fast-check';
import { conv2dOutputShape, depthwiseSpec, depthwiseWeight } from '@purevit/core';
import { gamma, opCases, randomArray, seed } from '../harness.js';

/**
 * Channels around the vector width (tails of 1–3 lanes), non-square kernels up to 7, strides, dilation,
 * symmetric and 'same' padding, maps narrower than the kernel's reach (no interior columns) and wider than a
 * pixel block, bias, a fused activation and a residual (also in place).
 */
export default opCases('depthwiseConv2d', {
  numRuns: 40,
  cases: fc.record({
    n: fc.integer({ min: 1, max: 2 }), c: fc.constantFrom(1, 3, 4, 5, 8, 13, 16),
    h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 20 }), kh: fc.constantFrom(1, 3, 5, 7), kw: fc.constantFrom(1, 2, 3, 5),
    stride: fc.constantFrom(1, 1, 2, 3), padding: fc.constantFrom<number | 'same'>(0, 1, 2, 'same', 'same'), dilation: fc.constantFrom(1, 1, 2),
    bias: fc.boolean(), activation: fc.constantFrom(undefined, 'relu6', 'silu', 'hard_swish', 'gelu'),
    residual: fc.constantFrom('none', 'other', 'out'), s: seed,
  }).filter((c) => c.padding === 'same' || (c.h + 2 * c.padding >= c.dilation * (c.kh - 1) + 1 && c.w + 2 * c.padding >= c.dilation * (c.kw - 1) + 1))
    .map((c) => {
      const spec = depthwiseSpec(c.c, [c.kh, c.kw], { stride: c.stride, padding: c.padding, dilation: c.dilation });
      const shape = [c.n, c.h, c.w, c.c] as const;
      const size = conv2dOutputShape(shape, spec).reduce((a, b) => a * b, 1);
      const x = randomArray(c.n * c.h * c.w * c.c, c.s), w = depthwiseWeight(randomArray(c.c * c.kh * c.kw, c.s + 1), spec);
      const bias = c.bias ? randomArray(c.c, c.s + 2) : null;
      const res = randomArray(size, c.s + 3);
      const taps = c.kh * c.kw;
      const bound = gamma(taps + 2) * (taps + 1) * 1.5 + 1e-6;
      return {
        label: JSON.stringify(c),
        build: (p) => {
          const out = c.residual === 'out' ? p.array(res) : p.zeros(size);
          return {
            x: p.array(x), shape, spec, weight: p.array(w), bias: bias && p.array(bias), out, activation: c.activation,
            residual: c.residual === 'other' ? p.array(res) : c.residual === 'out' ? out : null,
          };
        },
        // |x|, |w|, |b| ≤ 1: Σ|x·w| + |b| ≤ taps + 1.
        tolerance: (_f, ref) => (i) => bound + 1e-6 * Math.abs(ref[i]),
      };
    }),
});
