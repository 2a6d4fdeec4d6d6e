import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dOutputShape, conv2dReference, matmulReference, patchEmbed, patchEmbedReference } from '@purevit/core';
import { maxAbsDiff, randomArray, seed } from '../helpers/random.js';

const convCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  groups: fc.constantFrom(1, 1, 2, 3),
  cPerGroup: fc.integer({ min: 1, max: 5 }),
  oPerGroup: fc.integer({ min: 1, max: 7 }),
  h: fc.integer({ min: 1, max: 19 }),
  w: fc.integer({ min: 1, max: 19 }),
  kh: fc.constantFrom(1, 2, 3, 5, 7),
  kw: fc.constantFrom(1, 2, 3, 5, 7),
  stride: fc.constantFrom(1, 2, 3),
  padding: fc.constantFrom(0, 1, 2, 3),
  dilation: fc.constantFrom(1, 1, 2),
  bias: fc.boolean(),
  seed,
});

describe('conv2d', () => {
  it('matches the reference on random shapes, strides, paddings, dilations and groups', () => {
    fc.assert(
      fc.property(convCase, (k) => {
        const c = k.cPerGroup * k.groups;
        const o = k.oPerGroup * k.groups;
        const effH = k.dilation * (k.kh - 1) + 1;
        const effW = k.dilation * (k.kw - 1) + 1;
        fc.pre(k.h + 2 * k.padding >= effH && k.w + 2 * k.padding >= effW);
        const xShape = [k.n, c, k.h, k.w];
        const wShape = [o, k.cPerGroup, k.kh, k.kw];
        const options = { stride: k.stride, padding: k.padding, dilation: k.dilation, groups: k.groups };
        const [, , oh, ow] = conv2dOutputShape(xShape, wShape, options);
        const x = randomArray(k.n * c * k.h * k.w, k.seed);
        const w = randomArray(o * k.cPerGroup * k.kh * k.kw, k.seed + 1);
        const b = k.bias ? randomArray(o, k.seed + 2) : null;
        const got = new Float32Array(k.n * o * oh * ow);
        const want = new Float32Array(got.length);
        conv2d(x, xShape, w, wShape, b, got, options);
        conv2dReference(x, xShape, w, wShape, b, want, options);
        expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(2e-6);
      }),
      { numRuns: 80 },
    );
  });

  it('equals im2col · matmul (independent lowering built here)', () => {
    const [n, c, h, w, o, kh, kw, s, pad] = [1, 3, 11, 9, 5, 3, 3, 2, 1];
    const x = randomArray(n * c * h * w, 5);
    const wt = randomArray(o * c * kh * kw, 6);
    const [, , oh, ow] = conv2dOutputShape([n, c, h, w], [o, c, kh, kw], { stride: s, padding: pad });
    const cols = new Float32Array(c * kh * kw * oh * ow);
    for (let ci = 0; ci < c; ci++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++)
          for (let oy = 0; oy < oh; oy++)
            for (let ox = 0; ox < ow; ox++) {
              const y = oy * s - pad + ky;
              const xx = ox * s - pad + kx;
              const v = y >= 0 && y < h && xx >= 0 && xx < w ? x[(ci * h + y) * w + xx] : 0;
              cols[((ci * kh + ky) * kw + kx) * oh * ow + oy * ow + ox] = v;
            }
    const viaMatmul = new Float32Array(o * oh * ow);
    matmulReference(wt, cols, viaMatmul, o, c * kh * kw, oh * ow);
    const got = new Float32Array(o * oh * ow);
    conv2d(x, [n, c, h, w], wt, [o, c, kh, kw], null, got, { stride: s, padding: pad });
    expect(maxAbsDiff(got, viaMatmul)).toBeLessThanOrEqual(1e-6);
  });

  it('reports invalid shapes clearly', () => {
    expect(() => conv2dOutputShape([1, 4, 8, 8], [6, 3, 3, 3], {})).toThrow(/expects 3 input channels/);
    expect(() => conv2dOutputShape([1, 4, 8, 8], [6, 2, 3, 3], { groups: 4 })).toThrow(/groups=4 must divide/);
    expect(() => conv2dOutputShape([1, 3, 2, 2], [6, 3, 3, 3], {})).toThrow(/too small/);
    expect(() => conv2d(new Float32Array(3), [1, 3, 2, 2], new Float32Array(6), [2, 3, 1, 1], null, new Float32Array(8))).toThrow(/input has 3 elements, needs 12/);
  });
});

describe('patchEmbed', () => {
  it('matches its reference and conv2d (kernel = stride) rearranged token-major, dropping remainders', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom(1, 2, 3, 4, 7),
        fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.boolean(), seed,
        (n, c, o, patch, gh0, gw0, extraH, extraW, hasBias, s) => {
          const gh = gh0 + 1;
          const gw = gw0 + 1;
          const h = gh * patch + (extraH % patch);
          const w = gw * patch + (extraW % patch);
          const x = randomArray(n * c * h * w, s);
          const wt = randomArray(o * c * patch * patch, s + 1);
          const b = hasBias ? randomArray(o, s + 2) : null;
          const got = new Float32Array(n * gh * gw * o);
          const want = new Float32Array(got.length);
          patchEmbed(x, [n, c, h, w], wt, b, patch, got);
          patchEmbedReference(x, [n, c, h, w], wt, b, patch, want);
          expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(2e-6);
          const conv = new Float32Array(n * o * gh * gw);
          conv2dReference(x, [n, c, h, w], wt, [o, c, patch, patch], b, conv, { stride: patch });
          for (let bi = 0; bi < n; bi++)
            for (let t = 0; t < gh * gw; t++)
              for (let oc = 0; oc < o; oc++) {
                expect(Math.abs(got[(bi * gh * gw + t) * o + oc] - conv[(bi * o + oc) * gh * gw + t])).toBeLessThanOrEqual(2e-6);
              }
        }),
      { numRuns: 60 },
    );
  });
});
