// encodePng is checked against decoders independent of it (pngjs, Node's zlib) and against ours.
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodePng, type RgbImage } from '@purevit/image';

function image(width: number, height: number, pixel: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = pixel(x, y, c);
  return { data, width, height };
}

function pngjsRgb(bytes: Uint8Array): RgbImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  const data = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = png.data[i * 4 + c];
  return { data, width: png.width, height: png.height };
}

describe('encodePng', () => {
  it('round-trips random images through pngjs and our decoder (every filter, matches and literals)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer(),
        (width, height, kind, seed) => {
          let s = seed >>> 0;
          const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
          // noise, smooth gradients, flat areas and repeating stripes exercise different filters and match lengths
          const pixel = [
            () => rand(),
            (x: number, y: number, c: number) => (x * 7 + y * 3 + c * 50) & 255,
            () => 200,
            (x: number, _y: number, c: number) => ((x % 5) * 40 + c) & 255,
          ][kind];
          const img = image(width, height, pixel);
          const bytes = encodePng(img);
          expect(decodeImage(bytes)).toEqual(img);
          expect(pngjsRgb(bytes)).toEqual(img);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes a valid zlib stream (Node inflate, Adler-32 checked) that compresses smooth images', () => {
    const img = image(300, 200, (x, y, c) => (Math.floor(x / 3) + Math.floor(y / 5) + c * 40) & 255);
    const bytes = encodePng(img);
    // IDAT is the second chunk after the 8-byte signature and the 25-byte IHDR chunk.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const length = view.getUint32(33);
    expect(String.fromCharCode(...bytes.subarray(37, 41))).toBe('IDAT');
    const raw = inflateSync(bytes.subarray(41, 41 + length));
    expect(raw.length).toBe(200 * (300 * 3 + 1));
    expect(bytes.length).toBeLessThan(raw.length / 4);
    expect(decodeImage(bytes)).toEqual(img);
  });

  it('long matches far back: random rows repeating every 28,000 filtered bytes, within the 32 KiB window', () => {
    const period = 7000; // rows of 1 + 3 bytes
    const noise = Uint8Array.from({ length: period * 3 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 13) & 255);
    const img = image(1, 3 * period, (_x, y, c) => noise[(y % period) * 3 + c]);
    const bytes = encodePng(img);
    expect(bytes.length).toBeLessThan(period * 4 * 1.5); // the repeats cost almost nothing
    expect(pngjsRgb(bytes)).toEqual(img);
    expect(decodeImage(bytes)).toEqual(img);
  });

  it('rejects malformed images', () => {
    expect(() => encodePng({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow(/6 bytes/);
    expect(() => encodePng({ data: new Uint8Array(0), width: 0, height: 1 })).toThrow(/positive integers/);
  });
});
