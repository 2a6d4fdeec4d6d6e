import fc from 'fast-check';
import { opCases, randomArray, relative, seed } from '../harness.js';

/**
 * Groups of 1 to 13 channels (vector tails), maps past one block of 64 pixels, a mean far from 0, in place,
 * without weight or bias, with an activation.
 */
export default opCases('groupNorm', {
  numRuns: 25,
  cases: fc.record({
    n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 11 }), w: fc.integer({ min: 1, max: 13 }),
    groups: fc.constantFrom(1, 2, 3, 4, 8), cg: fc.constantFrom(1, 2, 3, 4, 5, 8, 13), offset: fc.constantFrom(0, 0, 20),
    inPlace: fc.boolean(), affine: fc.constantFrom('both', 'weight', 'none'), activation: fc.constantFrom(undefined, 'silu', 'gelu'), s: seed,
  }).map((c) => {
    const ch = c.groups * c.cg;
    const size = c.n * c.h * c.w * ch;
    const x = randomArray(size, c.s, 3).map((v) => v + c.offset);
    const weight = c.affine !== 'none' ? randomArray(ch, c.s + 1) : null;
    const bias = c.affine === 'both' ? randomArray(ch, c.s + 2) : null;
    return {
      label: JSON.stringify(c),
      build: (p) => {
        const xs = p.array(x);
        return {
          x: xs, shape: [c.n, c.h, c.w, ch] as const, groups: c.groups, weight: weight && p.array(weight), bias: bias && p.array(bias),
          eps: 1e-5, out: c.inPlace ? xs : p.zeros(size), activation: c.activation,
        };
      },
      tolerance: relative(2e-5, 4e-5),
    };
  }),
});
