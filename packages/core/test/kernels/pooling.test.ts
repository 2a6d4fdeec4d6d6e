import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d, adaptiveAvgPool2dReference, batchNorm, batchNormReference, conv2d, foldBatchNorm, foldBatchNormReference, maxPool2d,
  maxPool2dOutputShape, maxPool2dReference, pixelShuffle, pixelShuffleReference,
} from '@purevit/core';
import { maxAbsDiff, randomArray, seed } from '../helpers/random.js';

describe('maxPool2d', () => {
  it('matches the reference (kernel, stride, padding, dilation, ceilMode)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(1, 1, 2), fc.boolean(), seed,
        (c, h, w, k, s, pad, dil, ceilMode, sd) => {
          fc.pre(2 * pad <= k && h + 2 * pad >= dil * (k - 1) + 1 && w + 2 * pad >= dil * (k - 1) + 1);
          const options = { kernel: k, stride: s, padding: pad, dilation: dil, ceilMode };
          const [, , oh, ow] = maxPool2dOutputShape([1, c, h, w], options);
          const x = randomArray(c * h * w, sd);
          const a = new Float32Array(c * oh * ow);
          const e = new Float32Array(c * oh * ow);
          maxPool2d(x, [1, c, h, w], options, a);
          maxPool2dReference(x, [1, c, h, w], options, e);
          expect(Array.from(a)).toEqual(Array.from(e));
        }),
      { numRuns: 100 },
    );
  });

  it("uses torch's ceil-mode output size and propagates NaN", () => {
    // 6 wide, kernel 2, stride 2, padding 1: floor → 4, ceil → 4 (a 5th window would start inside the right padding).
    expect(maxPool2dOutputShape([1, 1, 6, 6], { kernel: 2, stride: 2, padding: 1, ceilMode: true })).toEqual([1, 1, 4, 4]);
    expect(maxPool2dOutputShape([1, 1, 5, 5], { kernel: 2, stride: 2, ceilMode: true })).toEqual([1, 1, 3, 3]);
    expect(maxPool2dOutputShape([1, 1, 5, 5], { kernel: 2, stride: 2 })).toEqual([1, 1, 2, 2]);
    const x = Float32Array.of(1, NaN, 3, 4);
    const out = new Float32Array(1);
    maxPool2d(x, [1, 1, 2, 2], { kernel: 2 }, out);
    expect(out[0]).toBeNaN();
    expect(() => maxPool2dOutputShape([1, 1, 5, 5], { kernel: 2, padding: 2 })).toThrow(/at most half the kernel/);
  });
});

describe('adaptiveAvgPool2d', () => {
  it('matches the reference for any output size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }), seed, (c, h, w, oh, ow, s) => {
          const x = randomArray(2 * c * h * w, s);
          const a = new Float32Array(2 * c * oh * ow);
          const e = new Float32Array(2 * c * oh * ow);
          adaptiveAvgPool2d(x, [2, c, h, w], oh, ow, a);
          adaptiveAvgPool2dReference(x, [2, c, h, w], oh, ow, e);
          expect(maxAbsDiff(a, e)).toBeLessThanOrEqual(1e-6);
        }),
      { numRuns: 80 },
    );
  });

  it('uses overlapping windows floor(i·in/out)..ceil((i+1)·in/out) when out does not divide in', () => {
    const x = Float32Array.of(1, 2, 3, 4, 5);
    const out = new Float32Array(3);
    adaptiveAvgPool2d(x, [1, 1, 1, 5], 1, 3, out);
    // windows [0,2), [1,4), [3,5)
    expect(Array.from(out)).toEqual([1.5, 3, 4.5]);
  });
});

describe('batchNorm and foldBatchNorm', () => {
  it('batchNorm matches the reference (in place too)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 30 }), fc.boolean(), seed, (n, c, hw, affine, s) => {
        const x = randomArray(n * c * hw, s, 3);
        const mean = randomArray(c, s + 1);
        const variance = randomArray(c, s + 2).map((v) => v + 1.5);
        const w = affine ? randomArray(c, s + 3) : null;
        const b = affine ? randomArray(c, s + 4) : null;
        const e = new Float32Array(x.length);
        batchNormReference(x, [n, c, hw], mean, variance, w, b, 1e-5, e);
        batchNorm(x, [n, c, hw], mean, variance, w, b, 1e-5, x);
        expect(maxAbsDiff(x, e)).toBeLessThanOrEqual(2e-6);
      }),
      { numRuns: 50 },
    );
  });

  it('conv with folded weights == batchNorm(conv)', () => {
    const [c, o, h, w] = [3, 5, 8, 7];
    const x = randomArray(c * h * w, 1);
    const cw = randomArray(o * c * 9, 2);
    const cb = randomArray(o, 3);
    const mean = randomArray(o, 4);
    const variance = randomArray(o, 5).map((v) => v + 1.2);
    const g = randomArray(o, 6);
    const beta = randomArray(o, 7);
    const conv = new Float32Array(o * h * w);
    conv2d(x, [1, c, h, w], cw, [o, c, 3, 3], cb, conv, { padding: 1 });
    const expected = new Float32Array(conv.length);
    batchNorm(conv, [1, o, h, w], mean, variance, g, beta, 1e-5, expected);
    const folded = foldBatchNorm(cw, cb, o, mean, variance, g, beta, 1e-5);
    const ref = foldBatchNormReference(cw, cb, o, mean, variance, g, beta, 1e-5);
    expect(maxAbsDiff(folded.weight, ref.weight)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(folded.bias, ref.bias)).toBeLessThanOrEqual(1e-6);
    const got = new Float32Array(conv.length);
    conv2d(x, [1, c, h, w], folded.weight, [o, c, 3, 3], folded.bias, got, { padding: 1 });
    expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(1e-5);
  });
});

describe('pixelShuffle', () => {
  it('matches the reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }), seed, (n, c, r, h, w, s) => {
          const x = randomArray(n * c * r * r * h * w, s);
          const a = new Float32Array(x.length);
          const e = new Float32Array(x.length);
          pixelShuffle(x, [n, c * r * r, h, w], r, a);
          pixelShuffleReference(x, [n, c * r * r, h, w], r, e);
          expect(Array.from(a)).toEqual(Array.from(e));
        }),
      { numRuns: 50 },
    );
  });

  it('puts channel i·r + j at row offset i and column offset j', () => {
    const r = 2;
    const x = Float32Array.of(10, 11, 12, 13); // [1, 4, 1, 1]
    const out = new Float32Array(4);
    pixelShuffle(x, [1, 4, 1, 1], r, out);
    expect(Array.from(out)).toEqual([10, 11, 12, 13]);
    expect(() => pixelShuffle(x, [1, 4, 1, 1], 3, out)).toThrow(/divisible by factor/);
  });
});
