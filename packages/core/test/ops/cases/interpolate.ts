import fc from 'fast-check';
import { opCases, randomArray, relative, seed } from '../harness.js';

/** Every mode, align_corners and antialias where torch allows them, up- and downscaling. */
export default opCases('interpolate', {
  cases: fc.record({
    n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 14 }), w: fc.integer({ min: 1, max: 14 }),
    oh: fc.integer({ min: 1, max: 20 }), ow: fc.integer({ min: 1, max: 20 }),
    mode: fc.constantFrom<'nearest' | 'bilinear' | 'bicubic'>('nearest', 'bilinear', 'bicubic'), alignCorners: fc.boolean(), antialias: fc.boolean(), s: seed,
  }).map((c) => {
    const x = randomArray(c.n * c.c * c.h * c.w, c.s);
    const interpolating = c.mode !== 'nearest';
    return {
      label: JSON.stringify(c),
      build: (p) => ({
        x: p.array(x), shape: [c.n, c.c, c.h, c.w] as const, size: [c.oh, c.ow] as const, out: p.zeros(c.n * c.c * c.oh * c.ow),
        mode: c.mode, alignCorners: interpolating && c.alignCorners, antialias: interpolating && c.antialias,
      }),
      tolerance: relative(1e-6, 1e-6),
    };
  }),
});
