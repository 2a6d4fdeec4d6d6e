import fc from 'fast-check';
import { opCases, randomArray, seed } from '../harness.js';

export default opCases('pixelShuffle', {
  cases: fc.record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), r: fc.constantFrom(1, 2, 3), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), s: seed })
    .map((c) => {
      const cin = c.c * c.r * c.r;
      const x = randomArray(c.n * cin * c.h * c.w, c.s);
      return { label: JSON.stringify(c), build: (p) => ({ x: p.array(x), shape: [c.n, cin, c.h, c.w] as const, factor: c.r, out: p.zeros(x.length) }) };
    }),
});
