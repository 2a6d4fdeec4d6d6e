import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { attentionReference } from './references.js';
import { awkwardSize, maxAbsDiff, randomArray, seed } from '../../helpers/random.js';
import { attentionHeadMajor } from './gpu-runs.js';
import { swiftShaderBackend } from './swiftshader.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await swiftShaderBackend({ attentionTile: { bq: 16, bk: 8 } }); // small blocks: several per sequence
});
afterAll(() => gpu.dispose());

/** The reference on head-major [B, H, N, D] arrays. */
function reference(q: Float32Array, k: Float32Array, v: Float32Array, [b, h, n, d]: number[], scale: number, headMask?: Float32Array, probs?: Float32Array): Float32Array {
  const out = new Float32Array(q.length);
  // Head-major is token-major with one head per "batch": run each (b, h) as its own call.
  for (let bi = 0; bi < b; bi++)
    for (let hi = 0; hi < h; hi++) {
      const at = (bi * h + hi) * n * d;
      const slice = (a: Float32Array) => a.subarray(at, at + n * d);
      const o = out.subarray(at, at + n * d);
      const p = probs ? probs.subarray((bi * h + hi) * n * n, (bi * h + hi + 1) * n * n) : undefined;
      attentionReference(
        { q: slice(q), qOffset: 0, qRowStride: d, k: slice(k), kOffset: 0, kRowStride: d, v: slice(v), vOffset: 0, vRowStride: d, out: o, outRowStride: d },
        { batch: 1, heads: 1, queryLen: n, keyLen: n, headDim: d, scale },
        { headMask: headMask ? headMask.subarray(hi, hi + 1) : undefined, probs: p },
      );
    }
  return out;
}

describe('webgpu attention', () => {
  it('fused and eager match the reference on awkward shapes (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), awkwardSize(40), fc.constantFrom(1, 3, 8, 16, 24), seed, async (b, h, n, d, s) => {
        const dims = [b, h, n, d];
        const len = b * h * n * d;
        const q = randomArray(len, s, 2), k = randomArray(len, s + 1, 2), v = randomArray(len, s + 2);
        const scale = d ** -0.5;
        const expected = reference(q, k, v, dims, scale);
        for (const variant of ['fused', 'eager'] as const) {
          const got = await attentionHeadMajor(gpu, variant, q, k, v, dims, scale);
          expect(maxAbsDiff(got, expected), variant).toBeLessThan(2e-6);
        }
      }),
      { numRuns: 6 },
    );
  });

  it('eager applies the head mask and returns the probabilities', async () => {
    const dims = [2, 3, 11, 8];
    const len = 2 * 3 * 11 * 8;
    const q = randomArray(len, 1), k = randomArray(len, 2), v = randomArray(len, 3);
    const headMask = Float32Array.of(1, 0, 0.5);
    const probsWant = new Float32Array(2 * 3 * 11 * 11), probsGot = new Float32Array(probsWant.length);
    const expected = reference(q, k, v, dims, 0.3, headMask, probsWant);
    const got = await attentionHeadMajor(gpu, 'eager', q, k, v, dims, 0.3, { headMask, probs: probsGot });
    expect(maxAbsDiff(got, expected)).toBeLessThan(2e-6);
    expect(maxAbsDiff(probsGot, probsWant)).toBeLessThan(1e-6);
    expect(probsGot.subarray(121, 242).every((p) => p === 0)).toBe(true); // head 1 masked out
  });
});
