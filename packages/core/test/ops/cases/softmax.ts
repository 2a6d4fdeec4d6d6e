import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, relative, seed } from '../harness.js';

/** Large magnitudes (±1e4), rows of -Infinity, a NaN, in place. */
export default opCases('softmax', {
  numRuns: 20,
  cases: fc.record({ rows: awkwardSize(40), cols: awkwardSize(300), inPlace: fc.boolean(), edge: fc.constantFrom('none', '-inf', 'nan'), s: seed }).map((c) => {
    const x = randomArray(c.rows * c.cols, c.s, 1e4);
    if (c.edge === '-inf') x.fill(-Infinity, 0, c.cols);
    if (c.edge === 'nan') x[c.cols - 1] = NaN;
    return {
      label: JSON.stringify(c),
      build: (p) => {
        const xs = p.array(x);
        return { x: xs, out: c.inPlace ? xs : p.zeros(x.length), rows: c.rows, cols: c.cols };
      },
      tolerance: relative(1e-5, 1e-7),
    };
  }),
});
