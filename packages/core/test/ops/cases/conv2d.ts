import fc from 'fast-check';
import { conv2dOutputShape, conv2dScratchLength, convSpec } from '@purevit/core';
import { gamma, opCases, randomArray, seed } from '../harness.js';

/** Strides, symmetric and 'same' padding, dilation, groups (og a multiple of 4: the wasm grouped kernel), pointwise convs, a fused activation and residual (also in place). */
export default opCases('conv2d', {
  numRuns: 40,
  cases: fc.record({
    n: fc.integer({ min: 1, max: 2 }), groups: fc.constantFrom(1, 1, 2, 3, 4), cg: fc.integer({ min: 1, max: 5 }), og: fc.constantFrom(1, 2, 3, 4, 4, 5, 7, 8),
    h: fc.integer({ min: 1, max: 13 }), w: fc.integer({ min: 1, max: 13 }), kh: fc.constantFrom(1, 1, 2, 3, 7), kw: fc.constantFrom(1, 3),
    stride: fc.constantFrom(1, 2), padding: fc.constantFrom<number | 'same'>(0, 1, 3, 'same'), dilation: fc.constantFrom(1, 2), bias: fc.boolean(),
    activation: fc.constantFrom(undefined, 'relu', 'relu6', 'silu'), residual: fc.constantFrom('none', 'other', 'out'), scratch: fc.boolean(), s: seed,
  }).filter((c) => c.padding === 'same' || (c.h + 2 * c.padding >= c.dilation * (c.kh - 1) + 1 && c.w + 2 * c.padding >= c.dilation * (c.kw - 1) + 1))
    .map((c) => {
      const [ci, o] = [c.cg * c.groups, c.og * c.groups];
      const wShape = [o, c.cg, c.kh, c.kw];
      const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
      const shape = [c.n, c.h, c.w, ci] as const;
      const spec = convSpec(wShape, options);
      const outShape = conv2dOutputShape(shape, spec);
      const size = outShape.reduce((a, b) => a * b, 1);
      const x = randomArray(c.n * c.h * c.w * ci, c.s), w = randomArray(o * c.cg * c.kh * c.kw, c.s + 1);
      const b = c.bias ? randomArray(o, c.s + 2) : null;
      const res = randomArray(size, c.s + 3);
      const bound = gamma(c.cg * c.kh * c.kw + 2) * (c.cg * c.kh * c.kw + 1) * 1.2 + 1e-6;
      return {
        label: JSON.stringify(c),
        build: (p) => {
          const out = c.residual === 'out' ? p.array(res) : p.zeros(size);
          const scratch = c.scratch ? p.zeros(conv2dScratchLength(shape, spec)) : null;
          return {
            x: p.array(x), shape, weight: p.conv(w, wShape, b, options), out, activation: c.activation,
            residual: c.residual === 'other' ? p.array(res) : c.residual === 'out' ? out : null, scratch,
          };
        },
        // |x|, |w|, |b| ≤ 1: Σ|x·w| + |b| ≤ kk + 1.
        tolerance: (_f, ref) => (i) => bound + 1e-6 * Math.abs(ref[i]),
      };
    }),
});
