import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { conv2dOutputShape } from './references.js';
import { activationFormulas } from './references.js';
import { adaptiveAvgPool2dReference } from './references.js';
import { conv2dReference } from './references.js';
import { maxPool2dReference } from './references.js';
import { patchEmbedReference } from './references.js';
import { maxAbsDiff, randomArray, seed } from '../../helpers/random.js';
import { conv2dNchw } from './gpu-runs.js';
import { swiftShaderBackend } from './swiftshader.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await swiftShaderBackend();
});
afterAll(() => gpu.dispose());

const toNhwc = (x: Float32Array, [n, c, h, w]: readonly number[]) => {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = x[(b * c + ch) * h * w + i];
  return out;
};

describe('webgpu conv2d', () => {
  it('dense, grouped and depthwise convs match the reference (fast-check)', async () => {
    const shapes = fc.record({
      n: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 3 }), og: fc.integer({ min: 1, max: 3 }), groups: fc.constantFrom(1, 2, 3),
      h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }), k: fc.constantFrom(1, 2, 3), stride: fc.constantFrom(1, 2),
      padding: fc.constantFrom(0, 1), dilation: fc.constantFrom(1, 2), depthwise: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(shapes, seed, async (s, sd) => {
        const cg = s.depthwise ? 1 : s.cg;
        const c = cg * s.groups;
        const o = s.og * s.groups;
        const xShape = [s.n, c, s.h, s.w], wShape = [o, cg, s.k, s.k];
        const options = { stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups };
        if (s.h + 2 * s.padding < s.dilation * (s.k - 1) + 1 || s.w + 2 * s.padding < s.dilation * (s.k - 1) + 1) return;
        const outShape = conv2dOutputShape(xShape, wShape, options);
        const x = randomArray(xShape.reduce((a, b) => a * b), sd), weight = randomArray(o * cg * s.k * s.k, sd + 1), bias = randomArray(o, sd + 2);
        const expected = new Float32Array(outShape.reduce((a, b) => a * b));
        conv2dReference(x, xShape, weight, wShape, bias, expected, options);
        const got = await conv2dNchw(gpu, x, xShape, weight, wShape, bias, options, outShape);
        expect(maxAbsDiff(got, expected)).toBeLessThan(2e-6);
      }),
      { numRuns: 10 },
    );
  });

  for (const depthwise of [false, true]) {
    it(`${depthwise ? 'depthwise' : 'dense'}: TensorFlow 'same' padding, activation and residual in the epilogue`, async () => {
      const [n, c, h, w, k] = [1, 4, 8, 7, 3];
      const groups = depthwise ? c : 1;
      const wShape = [c, c / groups, k, k];
      const x = randomArray(n * c * h * w, 1), weight = randomArray(c * (c / groups) * k * k, 2), bias = randomArray(c, 3);
      // 'same' at stride 2 pads 0 before and 1 after in height (8 → 4), 1 and 1 in width (7 → 4): the reference
      // sees the input padded by hand, then no padding.
      const [oh, ow] = [4, 4];
      const [hp, wp] = [h + 1, w + 2];
      const padded = new Float32Array(n * c * hp * wp);
      for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) padded[(ch * hp + y) * wp + xx + 1] = x[(ch * h + y) * w + xx];
      const conv = new Float32Array(n * c * oh * ow);
      conv2dReference(padded, [n, c, hp, wp], weight, wShape, bias, conv, { stride: 2, groups });
      const residual = randomArray(n * oh * ow * c, 4);
      const expected = toNhwc(conv, [n, c, oh, ow]).map((v, i) => activationFormulas.silu(v) + residual[i]);
      const prepared = gpu.prepareConv2d(weight, wShape, bias, { stride: 2, padding: 'same', groups });
      expect(prepared.depthwise).toBe(depthwise);
      const gx = gpu.from(toNhwc(x, [n, c, h, w])), gr = gpu.from(residual), out = gpu.alloc(expected.length);
      gpu.conv2dNhwc(gx, [n, h, w, c], prepared, out, { activation: 'silu', residual: gr });
      const [got] = await gpu.read(out);
      for (const a of [gx, gr, out]) gpu.free(a);
      gpu.release(prepared);
      expect(maxAbsDiff(got, expected)).toBeLessThan(2e-6);
    });
  }

  it('patch embedding writes tokens after a prefix, per image', async () => {
    const [n, c, h, w, p, dim] = [2, 3, 10, 9, 4, 5]; // remainders dropped: 2×2 patches
    const x = randomArray(n * c * h * w, 7), weight = randomArray(dim * c * p * p, 8), bias = randomArray(dim, 9);
    const dense = new Float32Array(n * 4 * dim);
    patchEmbedReference(x, [n, c, h, w], weight, bias, p, dense);
    const embed = gpu.preparePatchEmbed(weight, bias, dim, c, [p, p]);
    const pixels = gpu.from(x), out = gpu.alloc(n * 6 * dim, { zero: true });
    gpu.patchEmbed(pixels, [n, c, h, w], embed, out, { tokenStride: 6, tokenOffset: 1 });
    const [got] = await gpu.read(out);
    for (let b = 0; b < n; b++) {
      expect(maxAbsDiff(got.subarray((b * 6 + 1) * dim, (b * 6 + 5) * dim), dense.subarray(b * 4 * dim, (b + 1) * 4 * dim))).toBeLessThan(2e-6);
      expect(got.subarray(b * 6 * dim, (b * 6 + 1) * dim).every((v) => v === 0)).toBe(true);
    }
  });
});

describe('webgpu pooling', () => {
  const shape = [2, 3, 7, 11];
  const x = randomArray(2 * 3 * 7 * 11, 11);
  const nhwc = toNhwc(x, shape);

  for (const layout of ['nchw', 'nhwc'] as const) {
    it(`max pool (ceil mode, padding, dilation) and adaptive average, ${layout}`, async () => {
      const options = { kernel: 3, stride: 2, padding: 1, dilation: [1, 2] as [number, number], ceilMode: true };
      const gx = gpu.from(layout === 'nchw' ? x : nhwc);
      const maxOut = gpu.alloc(2 * 3 * 5 * 5), avgOut = gpu.alloc(2 * 3 * 3 * 5);
      const [, , oh, ow] = gpu.maxPool2d(gx, layout, shape, options, maxOut);
      gpu.adaptiveAvgPool2d(gx, layout, shape, [3, 5], avgOut);
      const [maxGot, avgGot] = await gpu.read(maxOut, avgOut);
      const maxWant = new Float32Array(2 * 3 * oh * ow), avgWant = new Float32Array(2 * 3 * 15);
      maxPool2dReference(x, shape, options, maxWant);
      adaptiveAvgPool2dReference(x, shape, 3, 5, avgWant);
      expect(maxGot.subarray(0, maxWant.length)).toEqual(layout === 'nchw' ? maxWant : toNhwc(maxWant, [2, 3, oh, ow]));
      expect(maxAbsDiff(avgGot, layout === 'nchw' ? avgWant : toNhwc(avgWant, [2, 3, 3, 5]))).toBeLessThan(1e-6);
    });
  }

  it('average pool with and without the padding counted', async () => {
    const gx = gpu.from(x);
    const [oh, ow] = [4, 6];
    const incl = gpu.alloc(2 * 3 * oh * ow), excl = gpu.alloc(2 * 3 * oh * ow);
    gpu.avgPool2d(gx, 'nchw', shape, { kernel: 3, stride: 2, padding: 1 }, incl);
    gpu.avgPool2d(gx, 'nchw', shape, { kernel: 3, stride: 2, padding: 1, countIncludePad: false }, excl);
    const [a, b] = await gpu.read(incl, excl);
    for (let plane = 0; plane < 6; plane++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let sum = 0, inside = 0;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;
              if (iy >= 0 && iy < 7 && ix >= 0 && ix < 11) {
                sum += x[(plane * 7 + iy) * 11 + ix];
                inside++;
              }
            }
          const at = (plane * oh + oy) * ow + ox;
          expect(a[at]).toBeCloseTo(sum / 9, 6);
          expect(b[at]).toBeCloseTo(sum / inside, 6);
        }
  });
});
