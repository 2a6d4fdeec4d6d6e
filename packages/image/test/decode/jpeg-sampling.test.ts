import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '@purevit/image';
import { yccToRgb } from '@purevit/image/decode/jpeg/color';
import { sameBytes } from '../helpers/golden.js';
import { encodeBaselineJpeg, type CoefficientComponent } from '../helpers/jpeg-encoder.js';

/**
 * libjpeg-turbo's upsampling, stated per output pixel with edge samples repeated (equivalent to
 * jdsample.c's edge special cases): fancy triangle filters for 2:1 horizontal (when the component is
 * more than 2 samples wide), 2:1 vertical, and both; replication otherwise.
 */
function upsampleClosedForm(plane: Uint8Array, w: number, h: number, fx: number, fy: number, outW: number, outH: number): Uint8Array {
  const at = (x: number, y: number): number => plane[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  const out = new Uint8Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const i = x >> 1;
      const j = y >> 1;
      let v: number;
      if (fx === 1 && fy === 1) v = at(x, y);
      else if (fx === 2 && fy === 1 && w > 2) v = x % 2 === 0 ? (3 * at(i, y) + at(i - 1, y) + 1) >> 2 : (3 * at(i, y) + at(i + 1, y) + 2) >> 2;
      else if (fx === 1 && fy === 2) v = y % 2 === 0 ? (3 * at(x, j) + at(x, j - 1) + 1) >> 2 : (3 * at(x, j) + at(x, j + 1) + 2) >> 2;
      else if (fx === 2 && fy === 2 && w > 2) {
        const col = (c: number): number => 3 * at(c, j) + at(c, y % 2 === 0 ? j - 1 : j + 1);
        v = x % 2 === 0 ? (3 * col(i) + col(i - 1) + 8) >> 4 : (3 * col(i) + col(i + 1) + 7) >> 4;
      } else v = at(Math.floor(x / fx), Math.floor(y / fy));
      out[y * outW + x] = v;
    }
  }
  return out;
}

const LAYOUTS: [string, [number, number][]][] = [
  ['4:4:4', [[1, 1], [1, 1], [1, 1]]],
  ['4:2:2', [[2, 1], [1, 1], [1, 1]]],
  ['4:4:0', [[1, 2], [1, 1], [1, 1]]],
  ['4:2:0', [[2, 2], [1, 1], [1, 1]]],
  ['4:1:1', [[4, 1], [1, 1], [1, 1]]],
  ['mixed', [[2, 2], [1, 1], [2, 2]]],
];

describe('JPEG chroma layouts (synthetic coefficients)', () => {
  it.each(LAYOUTS)('%s', (_name, sampling) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 41 }), fc.integer({ min: 1, max: 41 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 5 }), (width, height, seed, restartInterval) => {
        let s = seed;
        const rand = (n: number): number => (((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n);
        const maxH = Math.max(...sampling.map(([h]) => h));
        const maxV = Math.max(...sampling.map(([, v]) => v));
        const mcusX = Math.ceil(width / (8 * maxH));
        const mcusY = Math.ceil(height / (8 * maxV));
        const comps: CoefficientComponent[] = sampling.map(([h, v], ci) => {
          const blocksPerLine = mcusX * h;
          const coefficients = new Int16Array(blocksPerLine * mcusY * v * 64);
          for (let b = 0; b < coefficients.length; b += 64) {
            coefficients[b] = rand(161) - 80; // DC
            for (let k = 0; k < 4; k++) coefficients[b + 1 + rand(20)] = rand(41) - 20; // a few low AC terms
          }
          const quant = Int32Array.from({ length: 64 }, (_, k) => 1 + ((k + ci) % 7));
          return { id: ci + 1, h, v, quant, coefficients, blocksPerLine };
        });
        const actual = decodeImage(encodeBaselineJpeg({ width, height, components: comps, restartInterval, jfif: true }));

        // Expected: each component's samples (decoded alone as greyscale), upsampled by the closed form, then YCbCr → RGB.
        const planes = comps.map((c) => {
          const w = Math.ceil((width * c.h) / maxH);
          const hh = Math.ceil((height * c.v) / maxV);
          const grey = decodeImage(encodeBaselineJpeg({ width: w, height: hh, components: [{ ...c, h: 1, v: 1 }] })).data.filter((_, i) => i % 3 === 0);
          return upsampleClosedForm(grey, w, hh, maxH / c.h, maxV / c.v, width, height);
        });
        const expected = new Uint8Array(width * height * 3);
        yccToRgb(planes[0], planes[1], planes[2], expected);
        expect(sameBytes(actual.data, expected)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
