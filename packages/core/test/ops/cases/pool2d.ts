import fc from 'fast-check';
import { pool2dOutputShape } from '@purevit/core';
import { opCases, randomArray, seed } from '../harness.js';

/** Max (NaN wins, dilated taps) and avg (padding counted or not), padding, ceil mode: the ResNet stem and ResNet-D shortcut shapes and awkward ones. */
export default opCases('pool2d', {
  numRuns: 20,
  cases: fc.record({
    n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 15 }), w: fc.integer({ min: 1, max: 15 }), c: fc.integer({ min: 1, max: 9 }),
    mode: fc.constantFrom<'max' | 'avg'>('max', 'avg'), k: fc.constantFrom(1, 2, 3), stride: fc.constantFrom(1, 2, 3), padding: fc.constantFrom(0, 1),
    ceilMode: fc.boolean(), countIncludePad: fc.boolean(), dilation: fc.constantFrom(1, 1, 2), nan: fc.boolean(), s: seed,
  }).map((c) => ({ ...c, dilation: c.mode === 'max' ? c.dilation : 1 }))
    .filter((c) => 2 * c.padding <= c.k && c.h + 2 * c.padding >= c.dilation * (c.k - 1) + 1 && c.w + 2 * c.padding >= c.dilation * (c.k - 1) + 1).map((c) => {
    const shape = [c.n, c.h, c.w, c.c] as const;
    const x = randomArray(c.n * c.h * c.w * c.c, c.s, 4);
    if (c.nan) x[Math.floor(x.length / 2)] = NaN;
    const geometry = {
      shape, kernel: [c.k, c.k] as const, stride: [c.stride, c.stride] as const, padding: [c.padding, c.padding] as const,
      dilation: [c.dilation, c.dilation] as const, ceilMode: c.ceilMode,
    };
    const size = pool2dOutputShape(geometry).reduce((a, b) => a * b, 1);
    return {
      label: JSON.stringify(c),
      build: (p) => ({ x: p.array(x), ...geometry, mode: c.mode, countIncludePad: c.countIncludePad, out: p.zeros(size) }),
    };
  }),
});
