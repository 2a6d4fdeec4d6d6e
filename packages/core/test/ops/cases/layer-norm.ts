import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, relative, seed } from '../harness.js';

/** Plain rows, segments of strided rows (qk-norm), in place, without weight or bias, constant rows. */
export default opCases('layerNorm', {
  numRuns: 20,
  cases: fc.record({
    rows: awkwardSize(40), dim: awkwardSize(300), segments: fc.constantFrom(1, 1, 3), pad: fc.constantFrom(0, 5), inPlace: fc.boolean(),
    affine: fc.constantFrom('both', 'weight', 'none'), constantRow: fc.boolean(), s: seed,
  }).map((c) => {
    const width = c.segments * c.dim, ldx = width + c.pad;
    const x = randomArray(c.rows * ldx, c.s, 3);
    if (c.constantRow) x.fill(3.7, 0, c.dim);
    const weight = c.affine !== 'none' ? randomArray(c.dim, c.s + 1) : null;
    const bias = c.affine === 'both' ? randomArray(c.dim, c.s + 2) : null;
    return {
      label: JSON.stringify(c),
      build: (p) => {
        const xs = p.array(x);
        return {
          x: xs, out: c.inPlace ? xs : p.zeros(c.rows * ldx), rows: c.rows, dim: c.dim, segments: c.segments, ldx, ldo: ldx,
          weight: weight && p.array(weight), bias: bias && p.array(bias), eps: 1e-6,
        };
      },
      tolerance: relative(1e-5, 2e-5),
    };
  }),
});
