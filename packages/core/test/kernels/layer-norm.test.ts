import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layerNorm, layerNormReference } from '@purevit/core';
import { awkwardSize, expectClose, randomArray, seed } from '../helpers/random.js';

describe('layerNorm', () => {
  it('matches the reference on random shapes, with and without affine parameters', () => {
    fc.assert(
      fc.property(awkwardSize(20), awkwardSize(200), seed, fc.constantFrom(1e-12, 1e-6, 1e-5), fc.boolean(), fc.boolean(), fc.constantFrom(0, 5, 300),
        (rows, dim, s, eps, hasW, hasB, shift) => {
          const x = randomArray(rows * dim, s, 2).map((v) => v + shift);
          const w = hasW ? randomArray(dim, s + 1, 1.5) : null;
          const b = hasB ? randomArray(dim, s + 2, 1) : null;
          const a = new Float32Array(rows * dim);
          const e = new Float32Array(rows * dim);
          layerNorm(x, rows, dim, w, b, eps, a);
          layerNormReference(x, rows, dim, w, b, eps, e);
          expectClose(a, e, 2e-6, 2e-6, 'layerNorm');
        }),
      { numRuns: 60 },
    );
  });

  it('gives exactly the bias on constant rows, even with eps 1e-12', () => {
    for (const c of [0, 1, -3.5, 300, 1e6]) {
      const dim = 37;
      const x = new Float32Array(2 * dim).fill(c);
      const w = randomArray(dim, 3, 2);
      const b = randomArray(dim, 4, 1);
      const out = new Float32Array(2 * dim);
      layerNorm(x, 2, dim, w, b, 1e-12, out);
      expect(Array.from(out)).toEqual([...b, ...b]);
      layerNormReference(x, 2, dim, w, b, 1e-12, out);
      expect(Array.from(out)).toEqual([...b, ...b]);
    }
  });

  it('normalises a large-mean, small-variance row without cancellation', () => {
    // 300 + k·1e-3: mean and variance are exact in float64, so the result is (k - 4.5)/std(k).
    const dim = 10;
    const x = Float32Array.from({ length: dim }, (_, k) => 300 + k / 16); // exactly representable
    const out = new Float32Array(dim);
    layerNorm(x, 1, dim, null, null, 0, out);
    const std = Math.sqrt(8.25) / 16;
    for (let k = 0; k < dim; k++) expect(out[k]).toBeCloseTo((k - 4.5) / 16 / std, 6);
  });

  it('works in place', () => {
    const x = randomArray(3 * 64, 9, 3);
    const e = new Float32Array(x.length);
    layerNormReference(x, 3, 64, null, null, 1e-6, e);
    layerNorm(x, 3, 64, null, null, 1e-6, x);
    expectClose(x, e, 2e-6, 2e-6);
  });

  it('rejects short buffers', () => {
    expect(() => layerNorm(new Float32Array(5), 2, 3, null, null, 1e-5, new Float32Array(6))).toThrow(/x has 5 elements, needs 6/);
  });
});
