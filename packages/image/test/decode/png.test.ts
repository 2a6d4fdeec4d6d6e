import * as fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, readImageInfo } from '@purevit/image';
import { CHANNELS, encodePng } from '../helpers/png-encoder.js';

const MODES: [number, 0 | 2 | 3 | 4 | 6][] = [
  [1, 0], [2, 0], [4, 0], [8, 0], [16, 0],
  [8, 2], [16, 2],
  [1, 3], [2, 3], [4, 3], [8, 3],
  [8, 4], [16, 4],
  [8, 6], [16, 6],
];

/** Pillow 9.4's open → convert('RGB') for one pixel's raw samples (golden/README.md §5.3). */
function pilRgb(bitDepth: number, colorType: number, s: number[], palette: Uint8Array): number[] {
  if (colorType === 3) {
    const i = s[0];
    return i * 3 + 2 < palette.length ? [palette[i * 3], palette[i * 3 + 1], palette[i * 3 + 2]] : [i, i, i];
  }
  const msb = (v: number): number => (bitDepth === 16 ? v >> 8 : v);
  if (colorType === 0) {
    const v = s[0];
    const g = bitDepth === 16 ? Math.min(v, 255) : bitDepth === 8 ? v : (v * 255) / ((1 << bitDepth) - 1);
    return [g, g, g];
  }
  if (colorType === 4) return [msb(s[0]), msb(s[0]), msb(s[0])];
  return [msb(s[0]), msb(s[1]), msb(s[2])];
}

describe('PNG decoding against an independent encoder', () => {
  it('every bit depth and colour type, interlaced or not, every filter, split IDATs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES),
        fc.integer({ min: 1, max: 19 }),
        fc.integer({ min: 1, max: 19 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 256 }),
        ([bitDepth, colorType], width, height, interlace, seed, paletteEntries) => {
          let state = seed;
          const rand = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
          const ch = CHANNELS[colorType];
          const max = colorType === 3 ? (1 << bitDepth) - 1 : 2 ** bitDepth - 1;
          const samples = new Uint16Array(width * height * ch);
          for (let i = 0; i < samples.length; i++) {
            // Bias 16-bit samples towards small values so the clamp and MSB rules both show.
            samples[i] = bitDepth === 16 && rand() < 0.5 ? Math.floor(rand() * 300) : Math.floor(rand() * (max + 1));
          }
          const palette = colorType === 3 ? Uint8Array.from({ length: 3 * Math.max(1, Math.min(paletteEntries, 256)) }, () => Math.floor(rand() * 256)) : undefined;
          const png = encodePng({
            width, height, bitDepth, colorType, interlace, samples, palette,
            filterFor: () => Math.floor(rand() * 5),
            idatChunkSize: 1 + Math.floor(rand() * 64),
          });
          const img = decodeImage(png);
          expect([img.width, img.height]).toEqual([width, height]);
          const expected = new Uint8Array(width * height * 3);
          for (let p = 0; p < width * height; p++) {
            expected.set(pilRgb(bitDepth, colorType, Array.from(samples.subarray(p * ch, p * ch + ch)), palette ?? new Uint8Array()), p * 3);
          }
          expect(img.data).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports PIL modes', () => {
    const expectedModes = ['1', 'L', 'L', 'L', 'I', 'RGB', 'RGB', 'P', 'P', 'P', 'P', 'LA', 'RGBA', 'RGBA', 'RGBA'];
    MODES.forEach(([bitDepth, colorType], i) => {
      const samples = new Uint16Array(4 * CHANNELS[colorType]);
      const png = encodePng({ width: 2, height: 2, bitDepth, colorType, interlace: false, samples, palette: new Uint8Array(3), filterFor: () => 0 });
      expect(readImageInfo(png).pilMode).toBe(expectedModes[i]);
    });
  });
});

describe('PNG orientation metadata (PIL getexif)', () => {
  const tiff = (orientation: number, little: boolean): Uint8Array => {
    const b = new Uint8Array(26);
    const dv = new DataView(b.buffer);
    b.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
    dv.setUint16(2, 42, little);
    dv.setUint32(4, 8, little);
    dv.setUint16(8, 1, little);
    dv.setUint16(10, 0x0112, little);
    dv.setUint16(12, 3, little);
    dv.setUint32(14, 1, little);
    dv.setUint16(18, orientation, little);
    return b;
  };
  const base = { width: 3, height: 2, bitDepth: 8, colorType: 0 as const, interlace: false, filterFor: () => 0, samples: Uint16Array.from([1, 2, 3, 4, 5, 6]) };
  const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
  // Orientation 6 (ROTATE_270): rows become columns, read bottom-up.
  const rotated = [4, 1, 5, 2, 6, 3].flatMap((v) => [v, v, v]);

  it('eXIf chunk, before or after the image data, either byte order', () => {
    for (const after of [false, true]) {
      for (const little of [true, false]) {
        const img = decodeImage(encodePng({ ...base, extraChunks: [{ type: 'eXIf', data: tiff(6, little), after }] }));
        expect([img.width, img.height]).toEqual([2, 3]);
        expect(Array.from(img.data)).toEqual(rotated);
      }
    }
  });

  it('ImageMagick "Raw profile type exif" text and XMP tiff:Orientation', () => {
    const hex = Array.from([0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff(6, false)], (b) => b.toString(16).padStart(2, '0')).join('');
    const raw = text(`Raw profile type exif\0\nexif\n      32\n${hex}\n`);
    expect(Array.from(decodeImage(encodePng({ ...base, extraChunks: [{ type: 'tEXt', data: raw }] })).data)).toEqual(rotated);
    const xmp = text('XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta><rdf:Description tiff:Orientation="6"/></x:xmpmeta>');
    expect(Array.from(decodeImage(encodePng({ ...base, extraChunks: [{ type: 'iTXt', data: xmp }] })).data)).toEqual(rotated);
  });

  it('a private chunk with a bad CRC before the data is an error, after it is ignored (as in PIL)', () => {
    const png = encodePng({ ...base, extraChunks: [{ type: 'prIv', data: new Uint8Array(4) }] });
    const bad = png.slice();
    const at = 8 + 25; // after the signature and IHDR
    bad[at + 8] ^= 1; // flip a data bit of prIv
    expect(() => decodeImage(bad)).toThrow(/bad CRC in prIv/);
    const late = encodePng({ ...base, extraChunks: [{ type: 'prIv', data: new Uint8Array(4), after: true }] });
    const iend = late.length - 12;
    const lateBad = late.slice();
    lateBad[iend - 16 + 8] ^= 1;
    expect(decodeImage(lateBad).data).toEqual(decodeImage(late).data);
  });
});

describe('cross-check with pngjs (an independent decoder, Node only)', () => {
  it('8-bit and low-bit PNGs decode to the RGB channels of pngjs\'s RGBA output', () => {
    const eightBit = MODES.filter(([bitDepth]) => bitDepth !== 16);
    fc.assert(
      fc.property(fc.constantFrom(...eightBit), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 17 }), fc.boolean(), fc.integer({ min: 0, max: 2 ** 31 - 1 }), ([bitDepth, colorType], width, height, interlace, seed) => {
        let state = seed;
        const rand = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
        const ch = CHANNELS[colorType];
        const samples = Uint16Array.from({ length: width * height * ch }, () => Math.floor(rand() * 2 ** bitDepth));
        // A full palette: pngjs has no answer for indices past the PLTE (PIL uses a grey ramp).
        const palette = colorType === 3 ? Uint8Array.from({ length: 768 }, () => Math.floor(rand() * 256)) : undefined;
        const png = encodePng({ width, height, bitDepth, colorType, interlace, samples, palette, filterFor: () => Math.floor(rand() * 5) });
        const theirs = PNG.sync.read(Buffer.from(png));
        const rgb = new Uint8Array(width * height * 3).map((_, i) => theirs.data[Math.floor(i / 3) * 4 + (i % 3)]);
        expect(decodeImage(png).data).toEqual(rgb);
      }),
      { numRuns: 150 },
    );
  });
});
