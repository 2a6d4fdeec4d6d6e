import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

/** NCHW ↔ NHWC sized matrices, and token grids after prefix tokens (a batch stride larger than a matrix). */
export default opCases('transpose', {
  cases: fc.record({ batch: fc.integer({ min: 1, max: 3 }), rows: awkwardSize(70), cols: awkwardSize(70), gap: fc.constantFrom(0, 0, 5), s: seed }).map((c) => {
    const ldb = c.rows * c.cols + c.gap;
    const x = randomArray(c.batch * ldb, c.s);
    return {
      label: JSON.stringify(c),
      build: (p) => ({ x: p.view(p.array(x), c.gap), out: p.zeros(c.batch * c.rows * c.cols), batch: c.batch, rows: c.rows, cols: c.cols, ldb }),
    };
  }),
});
