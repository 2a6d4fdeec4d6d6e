/**
 * PNG encoder for 8-bit RGB images (colour type 2, no interlacing), pure TypeScript so Node and the
 * browser write the same bytes. Each row gets the filter with the smallest sum of absolute
 * differences (libpng's heuristic), then the rows are deflated (see deflate.ts).
 */

import { crc32 } from '../decode/png/crc32.js';
import { paeth } from '../decode/png/paeth.js';
import { assertRgbImage, type RgbImage } from '../rgb-image.js';
import { deflateZlib } from './deflate.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BPP = 3; // bytes per pixel: RGB, 8 bits

/** Writes row `y` filtered with `type` (0 None … 4 Paeth) into `out`; returns the sum of |signed byte|. */
function filterRow(data: Uint8Array, y: number, rowBytes: number, type: number, out: Uint8Array): number {
  const row = y * rowBytes;
  const up = (y - 1) * rowBytes;
  let cost = 0;
  for (let i = 0; i < rowBytes; i++) {
    const x = data[row + i];
    const a = i >= BPP ? data[row + i - BPP] : 0;
    const b = y > 0 ? data[up + i] : 0;
    const c = i >= BPP && y > 0 ? data[up + i - BPP] : 0;
    const predictor = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
    const v = (x - predictor) & 0xff;
    out[i] = v;
    cost += v < 128 ? v : 256 - v;
  }
  return cost;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** An RgbImage as PNG file bytes (8-bit RGB). */
export function encodePng(image: RgbImage): Uint8Array {
  assertRgbImage(image, 'encodePng');
  const { width, height, data } = image;
  const rowBytes = width * BPP;
  const filtered = new Uint8Array(height * (rowBytes + 1)); // [height, 1 + width·3]: filter byte + row
  const candidate = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const at = y * (rowBytes + 1);
    let best = Infinity;
    for (let type = 0; type <= 4; type++) {
      const cost = filterRow(data, y, rowBytes, type, candidate);
      if (cost < best) {
        best = cost;
        filtered[at] = type;
        filtered.set(candidate, at + 1);
      }
    }
  }

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', deflateZlib(filtered)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
