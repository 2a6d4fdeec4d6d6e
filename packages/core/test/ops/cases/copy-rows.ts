import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

/** Dense and strided rows on both sides, from an offset (a token of every image). */
export default opCases('copyRows', {
  cases: fc.record({ rows: awkwardSize(30), cols: awkwardSize(50), padX: fc.constantFrom(0, 0, 3, 70), padO: fc.constantFrom(0, 2), offset: fc.integer({ min: 0, max: 5 }), s: seed })
    .map((c) => {
      const ldx = c.cols + c.padX, ldo = c.cols + c.padO;
      const x = randomArray(c.offset + c.rows * ldx, c.s);
      return {
        label: JSON.stringify(c),
        build: (p) => ({ x: p.view(p.array(x), c.offset), out: p.zeros(c.rows * ldo), rows: c.rows, cols: c.cols, ldx, ldo }),
      };
    }),
});
