import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

export default opCases('binaryBroadcast', {
  cases: fc.record({ outer: fc.integer({ min: 1, max: 3 }), mid: awkwardSize(30), inner: awkwardSize(40), op: fc.constantFrom<'add' | 'mul'>('add', 'mul'), inPlace: fc.boolean(), s: seed })
    .map((c) => {
      const a = randomArray(c.outer * c.mid * c.inner, c.s), b = randomArray(c.outer * c.inner, c.s + 1);
      return {
        label: JSON.stringify(c),
        build: (p) => {
          const as = p.array(a);
          return { a: as, b: p.array(b), out: c.inPlace ? as : p.zeros(a.length), op: c.op, outer: c.outer, mid: c.mid, inner: c.inner };
        },
      };
    }),
});
