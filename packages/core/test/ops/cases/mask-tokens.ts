import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

export default opCases('maskTokens', {
  cases: fc.record({ rows: awkwardSize(60), dim: awkwardSize(40), s: seed }).map((c) => {
    const x = randomArray(c.rows * c.dim, c.s);
    const mask = randomArray(c.rows, c.s + 1).map((v) => (v > 0 ? 1 : 0));
    const token = randomArray(c.dim, c.s + 2);
    return {
      label: JSON.stringify(c),
      build: (p) => ({ x: p.array(x), mask: p.array(mask), token: p.array(token), rows: c.rows, dim: c.dim }),
    };
  }),
});
