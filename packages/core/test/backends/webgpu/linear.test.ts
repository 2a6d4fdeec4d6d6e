import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearReference } from './references.js';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { swiftShaderBackend } from './swiftshader.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await swiftShaderBackend();
});
afterAll(() => gpu.dispose());

function randoms(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('webgpu linear', () => {
  it('matches the reference on awkward shapes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 70 }), fc.boolean(), async (rows, k, n, withBias) => {
        const x = randoms(rows * k, rows * 131 + k);
        const w = randoms(n * k, n * 7 + 3);
        const b = withBias ? randoms(n, n + 11) : null;
        const expected = new Float32Array(rows * n);
        linearReference(x, rows, w, b, n, k, expected);
        const layer = gpu.prepareLinear(w, b, n, k);
        const gx = gpu.from(x);
        const out = gpu.alloc(rows * n);
        gpu.linear(gx, rows, layer, out);
        const [got] = await gpu.read(out);
        gpu.free(gx);
        gpu.free(out);
        gpu.release(layer);
        expect(maxAbsDiff(got, expected)).toBeLessThan(2e-6 * Math.sqrt(k) + 1e-6);
      }),
      { numRuns: 12 },
    );
  });
});
