/**
 * PNG → RGB as Pillow 9.4 gives it (`Image.open` → `exif_transpose` → `convert('RGB')`): every bit
 * depth and colour type, Adam7 interlacing, PIL's palette, 16-bit and low-bit rules (see to-rgb.ts).
 */

import { ImageError } from '../../errors.js';
import type { RgbImage } from '../../rgb-image.js';
import { checkPixelLimit, type DecodeOptions } from '../limits.js';
import { applyOrientation } from '../orientation.js';
import { readChunks } from './chunks.js';
import { parseHeader, type PngHeader } from './header.js';
import { inflateZlib } from './inflate.js';
import { pngOrientation } from './metadata.js';
import { filteredSize, passes, unfilterPass } from './scanlines.js';
import { pilPalette, rowWriter } from './to-rgb.js';

export interface PngInfo {
  readonly header: PngHeader;
  /** EXIF orientation found in the file (applied by decodePng). */
  readonly orientation: number | undefined;
}

/** Reads the PNG's header and metadata: size, mode and orientation, with no pixel allocation. */
export function readPngInfo(bytes: Uint8Array): PngInfo {
  const chunks = readChunks(bytes);
  return { header: parseHeader(chunks.ihdr), orientation: pngOrientation(chunks.ancillary) };
}

export function decodePng(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage & PngInfo {
  const chunks = readChunks(bytes);
  const header = parseHeader(chunks.ihdr);
  const { width, height } = header;
  checkPixelLimit('PNG', width, height, options);

  const plte = chunks.ancillary.find((c) => c.type === 'PLTE' && c.beforeData)?.data;
  if (header.colorType === 3 && !plte) throw new ImageError('corrupt', 'PNG: palette image without a PLTE chunk');
  const write = rowWriter(header, pilPalette(plte));

  const expected = filteredSize(header);
  const { data } = inflateZlib(chunks.idat, expected, true);
  if (data.length < expected) {
    throw new ImageError('truncated', `PNG: image data is truncated (${data.length} of ${expected} bytes after inflating)`);
  }

  const out = new Uint8Array(width * height * 3); // [height, width, 3]
  let offset = 0;
  for (const pass of passes(header)) {
    offset = unfilterPass(data, offset, header, pass, (row, y) => {
      const outY = pass.y0 + y * pass.dy;
      write(row, pass.width, out, (outY * width + pass.x0) * 3, pass.dx * 3);
    });
  }
  const orientation = pngOrientation(chunks.ancillary);
  const image = applyOrientation({ data: out, width, height }, orientation);
  return { ...image, header, orientation };
}
