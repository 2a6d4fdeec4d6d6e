import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageError, RESAMPLE_CODES, crop, resize, type RgbImage, type ResampleName } from '@purevit/image';
import { sameBytes } from '../helpers/golden.js';

const FILTERS = Object.keys(RESAMPLE_CODES) as ResampleName[];

const image = (maxSide: number) =>
  fc
    .record({ width: fc.integer({ min: 1, max: maxSide }), height: fc.integer({ min: 1, max: maxSide }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) })
    .map(({ width, height, seed }): RgbImage => {
      let s = seed;
      const data = new Uint8Array(width * height * 3);
      for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
      return { data, width, height };
    });

const px = (img: RgbImage, x: number, y: number, c: number): number => img.data[(y * img.width + x) * 3 + c];

describe('resize properties', () => {
  it('resizing to the same size returns the same pixels for every filter (PIL copies)', () => {
    fc.assert(
      fc.property(image(24), fc.constantFrom(...FILTERS), (img, filter) => {
        const out = resize(img, img.width, img.height, filter);
        expect(out.data).not.toBe(img.data);
        expect(sameBytes(out.data, img.data)).toBe(true);
      }),
    );
  });

  it('a flat image stays flat under every filter and size (coefficients sum to one after fixed-point rounding)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(...FILTERS), (w, h, ow, oh, v, filter) => {
        const out = resize({ data: new Uint8Array(w * h * 3).fill(v), width: w, height: h }, ow, oh, filter);
        expect(out.data.every((x) => Math.abs(x - v) <= 1)).toBe(true);
      }),
    );
  });

  it('NEAREST by an integer factor k replicates pixels (upscale) or samples pixel k*x + floor(k/2) (downscale)', () => {
    fc.assert(
      fc.property(image(12), fc.integer({ min: 1, max: 5 }), (img, k) => {
        const up = resize(img, img.width * k, img.height * k, 'nearest');
        for (let y = 0; y < up.height; y++) for (let x = 0; x < up.width; x++) for (let c = 0; c < 3; c++) {
          expect(px(up, x, y, c)).toBe(px(img, Math.floor(x / k), Math.floor(y / k), c));
        }
        const big = resize(img, img.width * k, img.height * k, 'nearest');
        const down = resize(big, img.width, img.height, 'nearest');
        expect(sameBytes(down.data, img.data)).toBe(true);
      }),
    );
  });

  it('BOX downscale by integer factors equals block means with PIL\'s two-pass 22-bit rounding', () => {
    fc.assert(
      fc.property(image(30), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (img, kx, ky) => {
        const ow = Math.floor(img.width / kx);
        const oh = Math.floor(img.height / ky);
        fc.pre(ow >= 1 && oh >= 1 && (kx > 1 || ky > 1));
        const src = crop(img, 0, 0, ow * kx, oh * ky);
        const out = resize(src, ow, oh, 'box');
        // Each output pixel averages a kx x ky block: a pass over k taps of weight 1/k, each weight
        // stored as round(2^22 / k), accumulated from 2^21 and shifted right by 22 (then clamped).
        const pass = (sum: number, k: number): number => Math.min(255, Math.floor((2 ** 21 + sum * Math.round(2 ** 22 / k)) / 2 ** 22));
        for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let c = 0; c < 3; c++) {
          let expected: number;
          const rows: number[] = [];
          for (let j = 0; j < ky; j++) {
            let s = 0;
            for (let i = 0; i < kx; i++) s += px(src, x * kx + i, y * ky + j, c);
            rows.push(kx > 1 ? pass(s, kx) : s);
          }
          expected = ky > 1 ? pass(rows.reduce((a, b) => a + b, 0), ky) : rows[0];
          if (kx === 1 && ky === 1) expected = px(src, x, y, c);
          expect(px(out, x, y, c)).toBe(expected);
          // ... which is within one step of the exact block mean.
          let mean = 0;
          for (let j = 0; j < ky; j++) for (let i = 0; i < kx; i++) mean += px(src, x * kx + i, y * ky + j, c);
          expect(Math.abs(px(out, x, y, c) - mean / (kx * ky))).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('resample accepts PIL names and codes; bad sizes and filters are errors', () => {
    const img: RgbImage = { data: new Uint8Array(4 * 4 * 3).map((_, i) => i), width: 4, height: 4 };
    for (const f of FILTERS) {
      expect(sameBytes(resize(img, 3, 7, f).data, resize(img, 3, 7, RESAMPLE_CODES[f] as 0).data)).toBe(true);
      expect(sameBytes(resize(img, 3, 7, f).data, resize(img, 3, 7, f.toUpperCase() as 'BOX').data)).toBe(true);
    }
    expect(() => resize(img, 0, 3)).toThrow(ImageError);
    expect(() => resize(img, 2.5, 3)).toThrow(/positive integers/);
    expect(() => resize(img, 3, 3, 7 as 0)).toThrow(/unknown resampling filter 7/);
    expect(() => resize(img, 3, 3, 'area' as 'box')).toThrow(/unknown resampling filter/);
  });

  it('box crops when its size equals the output size, and samples a sub-region otherwise', () => {
    fc.assert(
      fc.property(image(16), fc.constantFrom(...FILTERS), (img, filter) => {
        fc.pre(img.width >= 3 && img.height >= 3);
        const box = [1, 1, img.width - 1, img.height - 1] as const;
        const cropped = crop(img, 1, 1, img.width - 2, img.height - 2);
        expect(sameBytes(resize(img, img.width - 2, img.height - 2, filter, { box }).data, cropped.data)).toBe(true);
        const out = resize(img, 5, 4, filter, { box });
        expect([out.width, out.height]).toEqual([5, 4]);
      }),
    );
  });
});
