import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

/** Global and adaptive windows, avg / max / avgmax, images strided on both sides (token pooling, concatenated outputs). */
export default opCases('adaptivePool2d', {
  numRuns: 20,
  cases: fc.record({
    n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 9 }), w: awkwardSize(20), c: awkwardSize(20), oh: fc.constantFrom(1, 1, 2, 3), ow: fc.constantFrom(1, 1, 4),
    mode: fc.constantFrom<'avg' | 'max' | 'avgmax'>('avg', 'max', 'avgmax'), gapX: fc.constantFrom(0, 4), gapO: fc.constantFrom(0, 3), nan: fc.boolean(), s: seed,
  }).map((c) => {
    const ldb = c.h * c.w * c.c + c.gapX, ldo = c.oh * c.ow * c.c + c.gapO;
    const x = randomArray(c.n * ldb, c.s, 3);
    if (c.nan) x[0] = NaN;
    return {
      label: JSON.stringify(c),
      build: (p) => ({
        x: p.array(x), shape: [c.n, c.h, c.w, c.c] as const, ldb, mode: c.mode, outSize: [c.oh, c.ow] as const, out: p.zeros(c.n * ldo), ldo,
      }),
    };
  }),
});
