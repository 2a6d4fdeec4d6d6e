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
 * Undoes the filter of one scanline in place: `row` is [filter type, stride bytes], `prev` the
 * previous reconstructed scanline of the pass in the same form (all zeros before the first row, which
 * is what the PNG spec makes "no previous row"). `y` names the row in errors.
 */
export function unfilterRow(row: Uint8Array, prev: Uint8Array, bpp: number, y: number): void {
  const filter = row[0];
  const n = row.length;
  switch (filter) {
    case 0:
      break;
    case 1:
      for (let i = 1 + bpp; i < n; i++) row[i] = (row[i] + row[i - bpp]) & 255;
      break;
    case 2:
      for (let i = 1; i < n; i++) row[i] = (row[i] + prev[i]) & 255;
      break;
    case 3:
      for (let i = 1; i < n; i++) {
        const left = i > bpp ? row[i - bpp] : 0;
        row[i] = (row[i] + ((left + prev[i]) >> 1)) & 255;
      }
      break;
    case 4:
      for (let i = 1; i < n; i++) {
        const left = i > bpp ? row[i - bpp] : 0;
        const upLeft = i > bpp ? prev[i - bpp] : 0;
        row[i] = (row[i] + paeth(left, prev[i], upLeft)) & 255;
      }
      break;
    default:
      throw new ImageError('corrupt', `PNG: broken data stream (unknown filter type ${filter} in row ${y})`);
  }
}

/** Bytes per complete pixel for the filters (at least 1). */
export function filterUnit(header: PngHeader): number {
  return Math.max(1, bitsPerPixel(header) >> 3);
}
