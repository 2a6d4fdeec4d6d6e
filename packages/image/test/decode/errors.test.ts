import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, ImageError, decodeImage, loadImage, readImageInfo, type ImageErrorCode } from '@purevit/image';
import { goldenBytes } from '../helpers/golden.js';
import { encodePng, pngChunk } from '../helpers/png-encoder.js';

function errorCode(f: () => unknown): ImageErrorCode | string {
  try {
    f();
  } catch (e) {
    return e instanceof ImageError ? e.code : `not an ImageError: ${String(e)}`;
  }
  return 'no error';
}

const PNG_FILES = ['rgb_480x360', 'rgba_253x397', 'gray_37x53', 'palette_100x80', 'gray16_129x67'];
const JPEG_FILES = ['jpeg420_331x247', 'jpeg444_257x191', 'jpegprog_320x240', 'jpeggray_211x157', 'jpegexif6_160x120'];

/** A PNG whose IHDR claims `width` x `height`, with a few bytes of (useless) image data. */
function pngClaiming(width: number, height: number): Uint8Array {
  const small = encodePng({ width: 1, height: 1, bitDepth: 8, colorType: 2, interlace: false, samples: new Uint16Array(3), filterFor: () => 0 });
  const ihdr = small.slice(16, 29);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  const head = pngChunk('IHDR', ihdr);
  const out = small.slice();
  out.set(head, 8);
  return out;
}

/** A golden JPEG with its SOF0 frame size patched. */
function jpegClaiming(name: string, width: number, height: number): Uint8Array {
  const bytes = goldenBytes(`images/${name}.jpg`).slice();
  for (let p = 2; p < bytes.length; ) {
    const marker = bytes[p + 1];
    const len = (bytes[p + 2] << 8) | bytes[p + 3];
    if (marker === 0xc0 || marker === 0xc2) {
      bytes.set([height >> 8, height & 255, width >> 8, width & 255], p + 5);
      return bytes;
    }
    p += 2 + len;
  }
  throw new Error('no SOF');
}

describe('bad input is a clear ImageError', () => {
  it.each(PNG_FILES)('truncated PNG %s', (name) => {
    const bytes = goldenBytes(`images/${name}.png`);
    for (const fraction of [0.002, 0.02, 0.3, 0.6, 0.95]) {
      const cut = Math.max(9, Math.floor(bytes.length * fraction));
      expect(errorCode(() => decodeImage(bytes.subarray(0, cut)))).toBe('truncated');
    }
  });

  it.each(JPEG_FILES)('truncated JPEG %s', (name) => {
    const bytes = goldenBytes(`images/${name}.jpg`);
    for (const fraction of [0.01, 0.1, 0.3, 0.6, 0.9]) {
      expect(errorCode(() => decodeImage(bytes.subarray(0, Math.floor(bytes.length * fraction))))).toBe('truncated');
    }
  });

  it('garbage, empty input and other formats are unknown_format, naming what they are', () => {
    expect(errorCode(() => decodeImage(new Uint8Array(0)))).toBe('unknown_format');
    expect(errorCode(() => decodeImage(Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 255)))).toBe('unknown_format');
    expect(() => decodeImage(new TextEncoder().encode('GIF89a\x01\x00\x01\x00'))).toThrow(/GIF/);
    expect(() => decodeImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toThrow(/WebP/);
    expect(() => decodeImage(new TextEncoder().encode('hello, world'))).toThrow(/cannot identify image file/);
  });

  it('corrupt data: bad IHDR CRC, broken zlib stream, bad filter type, bad JPEG markers', () => {
    const png = goldenBytes('images/gray_37x53.png');
    const badCrc = png.slice();
    badCrc[20] ^= 1;
    expect(errorCode(() => decodeImage(badCrc))).toBe('corrupt');
    const badZlib = png.slice();
    badZlib[8 + 25 + 8] ^= 0xff; // first byte of the first chunk after IHDR (IDAT's zlib header here)
    expect(errorCode(() => decodeImage(badZlib))).toMatch(/corrupt|truncated/);
    expect(errorCode(() => decodeImage(badFilterPng()))).toBe('corrupt');
    const jpeg = goldenBytes('images/jpeg444_257x191.jpg').slice();
    jpeg[3] = 0x02; // APP0 marker byte → reserved marker 0xFF02, then nonsense lengths
    expect(errorCode(() => decodeImage(jpeg))).toMatch(/corrupt|truncated/);
  });

  it('zero-sized images', () => {
    expect(errorCode(() => decodeImage(pngClaiming(0, 5)))).toBe('zero_size');
    expect(errorCode(() => decodeImage(pngClaiming(5, 0)))).toBe('zero_size');
    expect(errorCode(() => decodeImage(jpegClaiming('jpeg444_257x191', 257, 0)))).toBe('zero_size');
    expect(errorCode(() => decodeImage(jpegClaiming('jpeg444_257x191', 0, 191)))).toBe('zero_size');
  });

  it('images over the pixel limit are refused from the header, before pixel memory is allocated', () => {
    // 60000 x 60000 RGB would need 10.8 GB: getting a too_large error (not a RangeError or an
    // out-of-memory crash) shows nothing was allocated for it.
    const png = pngClaiming(60000, 60000);
    expect(errorCode(() => decodeImage(png))).toBe('too_large');
    expect(() => decodeImage(png)).toThrow(/decompression bomb/);
    const jpeg = jpegClaiming('jpegprog_320x240', 60000, 60000);
    expect(errorCode(() => decodeImage(jpeg))).toBe('too_large');
    // The header is still readable.
    expect(readImageInfo(png)).toMatchObject({ format: 'png', width: 60000, height: 60000 });
    expect(readImageInfo(jpeg)).toMatchObject({ format: 'jpeg', width: 60000, height: 60000 });
    // The limit is configurable, and PIL's default is exactly at its error threshold.
    const real = goldenBytes('images/rgb_480x360.png');
    expect(errorCode(() => decodeImage(real, { maxPixels: 480 * 360 - 1 }))).toBe('too_large');
    expect(decodeImage(real, { maxPixels: 480 * 360 }).width).toBe(480);
    expect(DEFAULT_MAX_PIXELS).toBe(178956970);
    expect(errorCode(() => decodeImage(pngClaiming(DEFAULT_MAX_PIXELS + 1, 1)))).toBe('too_large');
  });

  it('loadImage rejects malformed pixel inputs', async () => {
    await expect(loadImage({ data: new Uint8Array(10), width: 2, height: 2 })).rejects.toThrow(/channels/);
    await expect(loadImage({ data: new Uint8Array(0), width: 0, height: 2 })).rejects.toMatchObject({ code: 'zero_size' });
    await expect(loadImage({ data: [0, 1.5, 2], width: 1, height: 1 })).rejects.toThrow(/integers in 0..255/);
    await expect(loadImage({ data: new Uint8Array(12), shape: [2, 2, 2], stride: [4, 2, 1], offset: 0 })).rejects.toThrow(/HWC/);
    await expect(loadImage(new Float32Array(4) as unknown as Uint8Array)).rejects.toThrow(/Uint8Array/);
    await expect(loadImage({ data: new Uint8Array(3 * 10 * 10), width: 10, height: 10 }, { maxPixels: 50 })).rejects.toMatchObject({ code: 'too_large' });
  });
});

/** A 2x2 grey PNG whose first row uses the invalid filter type 7. */
function badFilterPng(): Uint8Array {
  const good = encodePng({ width: 2, height: 2, bitDepth: 8, colorType: 0, interlace: false, samples: new Uint16Array(4), filterFor: () => 0 });
  // Build the raw stream by hand: [7, 0, 0, 0, 0, 0] deflated, in place of the IDAT.
  return replaceIdat(good, Uint8Array.from([7, 0, 0, 0, 0, 0]));
}

function replaceIdat(png: Uint8Array, raw: Uint8Array): Uint8Array {
  const z = new Uint8Array(deflateSync(raw));
  const idat = pngChunk('IDAT', z);
  const head = png.subarray(0, 8 + 25);
  const iend = png.subarray(png.length - 12);
  const out = new Uint8Array(head.length + idat.length + iend.length);
  out.set(head);
  out.set(idat, head.length);
  out.set(iend, head.length + idat.length);
  return out;
}

describe('JPEG without an end-of-image marker (as Pillow / libjpeg)', () => {
  it('one complete sequential scan decodes; progressive or partial multi-scan files are truncated', () => {
    const drop = (name: string): Uint8Array => {
      const bytes = goldenBytes(`images/${name}.jpg`);
      expect([bytes[bytes.length - 2], bytes[bytes.length - 1]]).toEqual([0xff, 0xd9]);
      return bytes.subarray(0, bytes.length - 2);
    };
    expect(decodeImage(drop('jpeg444_257x191')).width).toBe(257);
    expect(errorCode(() => decodeImage(drop('jpegprog_320x240')))).toBe('truncated');
  });
});
