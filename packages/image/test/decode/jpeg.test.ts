import jpegJs from 'jpeg-js';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeImage, type RgbImage } from '@purevit/image';
import { decodeJpegCoefficients } from '@purevit/image/decode/jpeg/jpeg';
import { compareBytes, goldenBytes, sameBytes } from '../helpers/golden.js';
import { encodeBaselineJpeg, type CoefficientComponent } from '../helpers/jpeg-encoder.js';

function components(name: string): { width: number; height: number; comps: CoefficientComponent[] } {
  const { frame } = decodeJpegCoefficients(goldenBytes(`images/${name}.jpg`));
  return {
    width: frame.width,
    height: frame.height,
    comps: frame.components.map((c) => ({ id: c.id, h: c.h, v: c.v, quant: c.quant!, coefficients: c.coefficients, blocksPerLine: c.blocksPerLine })),
  };
}

/** Decoded golden JPEGs are bit-exact with Pillow (golden-images.test.ts), so they serve as references here. */
const reference = (name: string): RgbImage => decodeImage(goldenBytes(`images/${name}.jpg`));

describe('JPEG stream structure (re-encoded golden coefficients)', () => {
  // The progressive file re-encoded as baseline must give the same pixels: same coefficients.
  const names = ['jpeg420_331x247', 'jpeg444_257x191', 'jpeggray_211x157', 'jpegprog_320x240'];

  it.each(names)('%s: restart intervals, per-component scans, missing DHT', (name) => {
    const { width, height, comps } = components(name);
    const expected = reference(name);
    for (const restartInterval of [0, 1, 3, 17]) {
      for (const separateScans of [false, true]) {
        for (const omitDht of [false, true]) {
          const bytes = encodeBaselineJpeg({ width, height, components: comps, restartInterval, separateScans, omitDht, jfif: true });
          const actual = decodeImage(bytes);
          expect(sameBytes(actual.data, expected.data), `restart ${restartInterval} separate ${separateScans} omitDht ${omitDht}`).toBe(true);
        }
      }
    }
  });

  it('a wrong restart marker is a clear error', () => {
    const { width, height, comps } = components('jpeg444_257x191');
    const bytes = encodeBaselineJpeg({ width, height, components: comps, restartInterval: 2 });
    const at = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xd1);
    const bad = bytes.slice();
    bad[at + 1] = 0xd5;
    expect(() => decodeImage(bad)).toThrow(/expected restart marker RST1/);
  });

  describe('colour spaces (4:4:4 planes from the golden file)', () => {
    const { width, height, comps } = components('jpeg444_257x191');
    // Each component alone as a greyscale JPEG: its sample plane (golden-verified grey path).
    const plane = (c: CoefficientComponent): Uint8Array => {
      const g = decodeImage(encodeBaselineJpeg({ width, height, components: [{ ...c, id: 1, h: 1, v: 1 }] })).data;
      return g.filter((_, i) => i % 3 === 0);
    };
    const [p0, p1, p2] = comps.map(plane);
    const ycc = reference('jpeg444_257x191');

    it('Adobe transform 0 and R,G,B component ids are RGB: no colour conversion', () => {
      const expected = new Uint8Array(width * height * 3).map((_, i) => [p0, p1, p2][i % 3][Math.floor(i / 3)]);
      const adobe = decodeImage(encodeBaselineJpeg({ width, height, components: comps, adobeTransform: 0 }));
      expect(sameBytes(adobe.data, expected)).toBe(true);
      const ids = comps.map((c, i) => ({ ...c, id: [82, 71, 66][i] }));
      expect(sameBytes(decodeImage(encodeBaselineJpeg({ width, height, components: ids })).data, expected)).toBe(true);
      // Without markers, ids 1, 2, 3 mean YCbCr.
      expect(sameBytes(decodeImage(encodeBaselineJpeg({ width, height, components: comps })).data, ycc.data)).toBe(true);
    });

    it('CMYK and YCCK follow libjpeg then Pillow\'s inverted-CMYK conversion', () => {
      const k = { ...comps[0], id: 4 };
      const kPlane = p0;
      // Pillow 9.4 cmyk2rgb on "CMYK;I" data: out = clip(k - k * (255 - c) / 255), MULDIV255 rounding.
      const muldiv = (a: number, b: number): number => {
        const t = a * b + 128;
        return ((t >> 8) + t) >> 8;
      };
      const pil = (c: number, kk: number): number => Math.min(255, Math.max(0, kk - muldiv(255 - c, kk)));
      const cmyk = decodeImage(encodeBaselineJpeg({ width, height, components: [...comps, k], adobeTransform: 0 }));
      const expectedCmyk = new Uint8Array(width * height * 3).map((_, i) => pil([p0, p1, p2][i % 3][Math.floor(i / 3)], kPlane[Math.floor(i / 3)]));
      expect(sameBytes(cmyk.data, expectedCmyk)).toBe(true);
      // YCCK: libjpeg turns Y,Cb,Cr into C,M,Y = 255 - (the YCbCr → RGB result), K unchanged.
      const ycck = decodeImage(encodeBaselineJpeg({ width, height, components: [...comps, k], adobeTransform: 2 }));
      const expectedYcck = new Uint8Array(width * height * 3).map((_, i) => pil(255 - ycc.data[i], kPlane[Math.floor(i / 3)]));
      expect(sameBytes(ycck.data, expectedYcck)).toBe(true);
    });
  });
});

describe('cross-check with jpeg-js (an independent decoder)', () => {
  it('random images encoded by jpeg-js decode within the 4:4:4 tolerance of jpeg-js\'s own decode', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 10, max: 100 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (width, height, quality, seed) => {
        let s = seed;
        const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
        // Smooth gradients plus noise, RGBA as jpeg-js's encoder wants.
        const rgba = new Uint8Array(width * height * 4);
        for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 4; c++) {
          rgba[(y * width + x) * 4 + c] = c === 3 ? 255 : Math.min(255, Math.floor(((x + y * (c + 1)) * 255) / (width + 3 * height) + rand() * 40));
        }
        const encoded = new Uint8Array(jpegJs.encode({ data: rgba, width, height }, quality).data);
        const ours = decodeImage(encoded);
        const theirs = jpegJs.decode(encoded, { useTArray: true, formatAsRGBA: false });
        expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
        const diff = compareBytes(ours.data, theirs.data);
        // jpeg-js uses a different IDCT; golden/README.md §4 allows max 4 for 4:4:4.
        expect(diff.max).toBeLessThanOrEqual(4);
      }),
      { numRuns: 60 },
    );
  });
});
