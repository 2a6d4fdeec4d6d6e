import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOrientation, type RgbImage } from '@purevit/image';
import { sameBytes } from '../helpers/golden.js';

const image = fc
  .record({ width: fc.integer({ min: 1, max: 9 }), height: fc.integer({ min: 1, max: 9 }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) })
  .map(({ width, height, seed }): RgbImage => {
    let s = seed;
    return { data: new Uint8Array(width * height * 3).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24), width, height };
  });

const same = (a: RgbImage, b: RgbImage): boolean => a.width === b.width && a.height === b.height && sameBytes(a.data, b.data);

describe('EXIF orientation (PIL exif_transpose)', () => {
  it('flips and transposes are involutions; rotations 6 and 8 undo each other; 3 is 6 twice', () => {
    fc.assert(
      fc.property(image, (img) => {
        for (const o of [2, 3, 4, 5, 7]) expect(same(applyOrientation(applyOrientation(img, o), o), img)).toBe(true);
        expect(same(applyOrientation(applyOrientation(img, 6), 8), img)).toBe(true);
        expect(same(applyOrientation(applyOrientation(img, 6), 6), applyOrientation(img, 3))).toBe(true);
        // TRANSVERSE = ROTATE_180 of TRANSPOSE.
        expect(same(applyOrientation(applyOrientation(img, 5), 3), applyOrientation(img, 7))).toBe(true);
        for (const o of [undefined, 0, 1, 9]) expect(applyOrientation(img, o)).toBe(img);
      }),
    );
  });

  it('orientation 6 turns the image 90° clockwise (top-left pixel comes from the bottom-left)', () => {
    const img: RgbImage = { data: Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]), width: 3, height: 2 };
    const out = applyOrientation(img, 6);
    expect([out.width, out.height]).toEqual([2, 3]);
    expect(Array.from(out.data.filter((_, i) => i % 3 === 0))).toEqual([4, 1, 5, 2, 6, 3]);
    expect(Array.from(applyOrientation(img, 8).data.filter((_, i) => i % 3 === 0))).toEqual([3, 6, 2, 5, 1, 4]);
  });
});
