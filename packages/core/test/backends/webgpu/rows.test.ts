import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { activationFormulas } from './references.js';
import { layerNormReference } from './references.js';
import { softmaxReference } from './references.js';
import { ACTIVATION_NAMES, activationKind } from '../../../src/ops/activation-name.js';
import { awkwardSize, maxAbsDiff, randomArray, seed } from '../../helpers/random.js';
import { swiftShaderBackend } from './swiftshader.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await swiftShaderBackend();
});
afterAll(() => gpu.dispose());

describe('webgpu layerNorm', () => {
  it('matches the reference on strided rows (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(awkwardSize(9), awkwardSize(150), fc.integer({ min: 0, max: 5 }), fc.boolean(), seed, async (rows, dim, pad, affine, s) => {
        const ld = dim + pad;
        const x = randomArray(rows * ld, s, 3);
        for (let i = 0; i < x.length; i++) x[i] += 10; // a large mean: no E[x²] − E[x]² cancellation allowed
        const w = affine ? randomArray(dim, s + 1) : null;
        const b = affine ? randomArray(dim, s + 2) : null;
        const dense = new Float32Array(rows * dim);
        for (let r = 0; r < rows; r++) dense.set(x.subarray(r * ld, r * ld + dim), r * dim);
        const expected = new Float32Array(rows * dim);
        layerNormReference(dense, rows, dim, w, b, 1e-6, expected);
        const gx = gpu.from(x), gw = w && gpu.upload(w), gb = b && gpu.upload(b);
        const out = gpu.alloc(rows * ld, { zero: true });
        gpu.layerNorm(gx, rows, dim, gw, gb, 1e-6, out, { ldx: ld, ldo: ld });
        const [got] = await gpu.read(out);
        for (const a of [gx, gw, gb, out]) if (a) gpu.free(a);
        const gotDense = new Float32Array(rows * dim);
        for (let r = 0; r < rows; r++) {
          gotDense.set(got.subarray(r * ld, r * ld + dim), r * dim);
          for (let j = dim; j < ld; j++) expect(got[r * ld + j]).toBe(0); // the gaps are not written
        }
        expect(maxAbsDiff(gotDense, expected)).toBeLessThan(2e-5);
      }),
      { numRuns: 8 },
    );
  });

  it('gives exactly the bias on a constant row', async () => {
    const x = gpu.from(new Float32Array(40).fill(7.25));
    const b = gpu.upload(randomArray(40, 5));
    gpu.layerNorm(x, 1, 40, null, b, 1e-12, x);
    const [got, bias] = await gpu.read(x, b);
    expect(got).toEqual(bias);
  });
});

describe('webgpu softmax', () => {
  it('matches the reference, with ±1e4 magnitudes and -Infinity entries', async () => {
    const rows = 4, cols = 37;
    const x = randomArray(rows * cols, 9, 5);
    for (let i = 0; i < cols; i++) {
      x[cols + i] *= 2e3;
      if (i % 3 === 0) x[2 * cols + i] = -Infinity;
    }
    x[3 * cols + 5] = 1e4;
    const expected = new Float32Array(x.length);
    softmaxReference(x, rows, cols, expected);
    const g = gpu.from(x);
    gpu.softmax(g, rows, cols, g);
    const [got] = await gpu.read(g);
    gpu.free(g);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-6);
  });

  it('gives NaN rows where torch does (all -Infinity)', async () => {
    const g = gpu.from(new Float32Array(8).fill(-Infinity));
    gpu.softmax(g, 2, 4, g);
    const [got] = await gpu.read(g);
    gpu.free(g);
    expect(got.every(Number.isNaN)).toBe(true);
  });
});

describe('webgpu activations', () => {
  // Tails included: erfc's range, exp's underflow and overflow, tanh's saturation.
  const values = Float32Array.from({ length: 1201 }, (_, i) => (i - 600) * 0.05);
  values[0] = -120;
  values[1] = 95;
  values[2] = 1e-7;
  for (const name of ACTIVATION_NAMES) {
    it(`${name} within a few float32 ulp of the float64 formula`, async () => {
      const f = activationFormulas[activationKind(name)];
      const g = gpu.from(values);
      gpu.activation(name, g, g);
      const [got] = await gpu.read(g);
      gpu.free(g);
      for (let i = 0; i < values.length; i++) {
        const want = f(values[i]);
        const tol = 8 * 2 ** -24 * Math.abs(want) + 1e-7;
        if (!(Math.abs(got[i] - want) <= tol)) throw new Error(`${name}(${values[i]}) = ${got[i]}, expected ${want} (tolerance ${tol})`);
      }
    });
  }
});

describe('webgpu elementwise', () => {
  it('broadcasts, scales and copies with strides', async () => {
    const [n, t, d] = [2, 5, 6];
    const x = randomArray(n * t * d, 1), pos = randomArray(t * d, 2), gamma = randomArray(d, 3), y = randomArray(n * t * d, 4);
    const gx = gpu.from(x), gp = gpu.from(pos), gg = gpu.from(gamma), gy = gpu.from(y);
    const sum = gpu.alloc(x.length), scaled = gpu.alloc(x.length), transposed = gpu.alloc(x.length);
    gpu.elementwise('add', [n, t, d], { array: sum }, [{ array: gx }, { array: gp, strides: [0, d, 1] }]);
    gpu.elementwise('muladd', [n, t, d], { array: scaled }, [{ array: gx }, { array: gg, strides: [0, 0, 1] }, { array: gy }], 'relu');
    gpu.elementwise('copy', [n, d, t], { array: transposed }, [{ array: gx, strides: [t * d, 1, d] }]);
    const [s, sc, tr] = await gpu.read(sum, scaled, transposed);
    for (let b = 0; b < n; b++)
      for (let i = 0; i < t; i++)
        for (let j = 0; j < d; j++) {
          const at = (b * t + i) * d + j;
          expect(s[at]).toBe(Math.fround(x[at] + pos[i * d + j]));
          expect(sc[at]).toBeCloseTo(Math.max(0, x[at] + gamma[j] * y[at]), 6);
          expect(tr[(b * d + j) * t + i]).toBe(x[at]);
        }
  });
});
