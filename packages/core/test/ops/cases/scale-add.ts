import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

/** LayerScale (x·gamma + residual, `out` the residual itself) and a folded BatchNorm (x·scale + bias). */
export default opCases('scaleAdd', {
  cases: fc.record({ rows: awkwardSize(30), dim: awkwardSize(50), bias: fc.boolean(), residual: fc.constantFrom('none', 'other', 'out'), s: seed }).map((c) => {
    const x = randomArray(c.rows * c.dim, c.s, 3), scale = randomArray(c.dim, c.s + 1), bias = randomArray(c.dim, c.s + 2), res = randomArray(x.length, c.s + 3);
    return {
      label: JSON.stringify(c),
      build: (p) => {
        const out = c.residual === 'out' ? p.array(res) : p.zeros(x.length);
        return {
          x: p.array(x), scale: p.array(scale), bias: c.bias ? p.array(bias) : null,
          residual: c.residual === 'other' ? p.array(res) : c.residual === 'out' ? out : null, out, rows: c.rows, dim: c.dim,
        };
      },
    };
  }),
});
