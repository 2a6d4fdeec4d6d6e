/**
 * PNG scanline reconstruction: undoing the per-row filters, pass by pass for Adam7 interlacing.
 */

import { ImageError } from '../../errors.js';
import type { PngHeader } from './header.js';
import { paeth } from './paeth.js';

/** One Adam7 pass (or the whole image): which pixels its rows hold. */
export interface Pass {
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
  /** Pixels per row and rows in this pass. */
  readonly width: number;
  readonly height: number;
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

export function passes(header: PngHeader): Pass[] {
  const { width, height } = header;
  if (!header.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    width: Math.ceil((width - x0) / dx),
    height: Math.ceil((height - y0) / dy),
  })).filter((p) => p.width > 0 && p.height > 0);
}

export function bitsPerPixel(header: PngHeader): number {
  return header.bitDepth * header.channels;
}

export function rowBytes(header: PngHeader, pixels: number): number {
  return Math.ceil((pixels * bitsPerPixel(header)) / 8);
}

/** Size of the inflated image data: each row is a filter byte plus its packed samples. */
export function filteredSize(header: PngHeader): number {
  let total = 0;
  for (const p of passes(header)) total += p.height * (1 + rowBytes(header, p.width));
  return total;
}

/**
 * Unfilters the rows of one pass in place in `data` starting at `offset`; calls `emit(row, y)` with
 * each reconstructed row (a view, valid until the next call). Returns the offset after the pass.
 */
export function unfilterPass(
  data: Uint8Array,
  offset: number,
  header: PngHeader,
  pass: Pass,
  emit: (row: Uint8Array, passRow: number) => void,
): number {
  const stride = rowBytes(header, pass.width);
  const bpp = Math.max(1, bitsPerPixel(header) >> 3);
  let prev: Uint8Array | undefined;
  for (let y = 0; y < pass.height; y++) {
    const filter = data[offset];
    const row = data.subarray(offset + 1, offset + 1 + stride);
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < stride; i++) row[i] = (row[i] + row[i - bpp]) & 255;
        break;
      case 2:
        if (prev) for (let i = 0; i < stride; i++) row[i] = (row[i] + prev[i]) & 255;
        break;
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? row[i - bpp] : 0;
          const up = prev ? prev[i] : 0;
          row[i] = (row[i] + ((left + up) >> 1)) & 255;
        }
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? row[i - bpp] : 0;
          const up = prev ? prev[i] : 0;
          const upLeft = prev && i >= bpp ? prev[i - bpp] : 0;
          row[i] = (row[i] + paeth(left, up, upLeft)) & 255;
        }
        break;
      default:
        throw new ImageError('corrupt', `PNG: broken data stream (unknown filter type ${filter} in row ${y})`);
    }
    emit(row, y);
    prev = row;
    offset += 1 + stride;
  }
  return offset;
}
