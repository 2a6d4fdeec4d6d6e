/**
 * PNG samples → RGB exactly as Pillow 9.4's unpackers followed by `convert('RGB')` produce them:
 * - low-bit gray is scaled (1 bit → 0/255, 2 bits × 85, 4 bits × 17);
 * - 16-bit gray opens as mode "I" and converts by clamping to 0..255 (no rescale);
 * - other 16-bit modes keep the most significant byte;
 * - palette indices look up PLTE; entries past its end are PIL's default grey ramp (i, i, i);
 * - alpha is dropped, not composited.
 */

import { ColorType, type PngHeader } from './header.js';

/** Writes `count` pixels of a reconstructed row to `out`, starting at `offset`, `step` bytes apart. */
export type RowWriter = (row: Uint8Array, count: number, out: Uint8Array, offset: number, step: number) => void;

/** PIL's palette for a P image: the PLTE entries over a grey ramp. [256, 3] */
export function pilPalette(plte: Uint8Array | undefined): Uint8Array {
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) palette[i * 3] = palette[i * 3 + 1] = palette[i * 3 + 2] = i;
  if (plte) palette.set(plte.subarray(0, Math.min(plte.length - (plte.length % 3), 768)));
  return palette;
}

function lowBitSample(row: Uint8Array, x: number, bits: number): number {
  const perByte = 8 / bits;
  const byte = row[Math.floor(x / perByte)];
  const shift = 8 - bits * ((x % perByte) + 1);
  return (byte >> shift) & ((1 << bits) - 1);
}

export function rowWriter(header: PngHeader, palette: Uint8Array): RowWriter {
  const { bitDepth, colorType } = header;
  if (colorType === ColorType.Palette) {
    return (row, count, out, offset, step) => {
      for (let x = 0, o = offset; x < count; x++, o += step) {
        const i = (bitDepth === 8 ? row[x] : lowBitSample(row, x, bitDepth)) * 3;
        out[o] = palette[i];
        out[o + 1] = palette[i + 1];
        out[o + 2] = palette[i + 2];
      }
    };
  }
  if (colorType === ColorType.Gray && bitDepth < 8) {
    const scale = 255 / ((1 << bitDepth) - 1);
    return (row, count, out, offset, step) => {
      for (let x = 0, o = offset; x < count; x++, o += step) {
        const v = lowBitSample(row, x, bitDepth) * scale;
        out[o] = out[o + 1] = out[o + 2] = v;
      }
    };
  }
  if (colorType === ColorType.Gray && bitDepth === 16) {
    return (row, count, out, offset, step) => {
      for (let x = 0, o = offset; x < count; x++, o += step) {
        const v = (row[2 * x] << 8) | row[2 * x + 1];
        out[o] = out[o + 1] = out[o + 2] = v > 255 ? 255 : v;
      }
    };
  }
  // 8- and 16-bit gray, gray+alpha, RGB, RGBA: the first (most significant) byte of each sample.
  const bytesPerSample = bitDepth >> 3;
  const pixelBytes = header.channels * bytesPerSample;
  const gray = colorType === ColorType.Gray || colorType === ColorType.GrayAlpha;
  const g = gray ? 0 : bytesPerSample;
  const b = gray ? 0 : 2 * bytesPerSample;
  return (row, count, out, offset, step) => {
    for (let x = 0, p = 0, o = offset; x < count; x++, p += pixelBytes, o += step) {
      out[o] = row[p];
      out[o + 1] = row[p + g];
      out[o + 2] = row[p + b];
    }
  };
}
