import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

/** Rows picked per batch, repeats and all rows included; an index is an integer stored as a float. */
export default opCases('gatherRows', {
  cases: fc.record({ batch: awkwardSize(5), rows: awkwardSize(40), count: awkwardSize(50), dim: awkwardSize(40), s: seed }).map((c) => {
    const x = randomArray(c.batch * c.rows * c.dim, c.s);
    const index = randomArray(c.batch * c.count, c.s + 1).map((v) => Math.min(c.rows - 1, Math.floor(Math.abs(v) * c.rows)));
    return {
      label: JSON.stringify(c),
      build: (p) => ({ x: p.array(x), index: p.array(index), out: p.zeros(c.batch * c.count * c.dim), batch: c.batch, rows: c.rows, count: c.count, dim: c.dim }),
    };
  }),
});
