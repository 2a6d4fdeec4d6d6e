import fc from 'fast-check';
import { opCases, randomArray, seed } from '../harness.js';

/** Grids that drop a remainder and grids that pad with zeros (dynamic_img_pad). */
export default opCases('patchify', {
  cases: fc.record({
    n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 1, max: 30 }), w: fc.integer({ min: 1, max: 30 }),
    ph: fc.constantFrom(1, 2, 4, 7), pw: fc.constantFrom(1, 3, 4), pad: fc.boolean(), s: seed,
  }).map((c) => {
    const grid = c.pad ? [Math.ceil(c.h / c.ph), Math.ceil(c.w / c.pw)] as const : [Math.floor(c.h / c.ph), Math.floor(c.w / c.pw)] as const;
    const pixels = randomArray(c.n * c.c * c.h * c.w, c.s);
    return {
      label: JSON.stringify(c),
      build: (p) => ({
        pixels: p.array(pixels), shape: [c.n, c.c, c.h, c.w] as const, patch: [c.ph, c.pw] as const, grid,
        out: p.zeros(Math.max(1, c.n * grid[0] * grid[1] * c.c * c.ph * c.pw)),
      }),
    };
  }),
});
