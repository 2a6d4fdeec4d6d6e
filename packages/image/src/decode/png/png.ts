/**
 * PNG → RGB as Pillow 9.4 gives it (`Image.open` → `exif_transpose` → `convert('RGB')`): every bit
 * depth and colour type, Adam7 interlacing, PIL's palette, 16-bit and low-bit rules (see to-rgb.ts).
 */

import { ImageError } from '../../errors.js';
import type { RgbImage } from '../../rgb-image.js';
import { checkPixelLimit, type DecodeOptions } from '../limits.js';
import { orientedLayout } from '../orientation.js';
import { readChunks } from './chunks.js';
import { parseHeader, type PngHeader } from './header.js';
import { Inflater } from './inflate.js';
import { pngOrientation } from './metadata.js';
import { filteredSize, filterUnit, passes, rowBytes, unfilterRow } from './scanlines.js';
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

/**
 * Decodes scanline by scanline: the inflater yields one filtered row at a time into two row buffers
 * (this one and the previous), and each reconstructed row is converted to RGB straight into its
 * place in the EXIF-oriented output. Peak memory is the output image, the compressed data and two
 * rows, whatever the bit depth and channel count.
 */
export function decodePng(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage & PngInfo {
  const chunks = readChunks(bytes);
  const header = parseHeader(chunks.ihdr);
  const { width, height } = header;
  checkPixelLimit('PNG', width, height, options);

  const plte = chunks.ancillary.find((c) => c.type === 'PLTE' && c.beforeData)?.data;
  if (header.colorType === 3 && !plte) throw new ImageError('corrupt', 'PNG: palette image without a PLTE chunk');
  const write = rowWriter(header, pilPalette(plte));
  const orientation = pngOrientation(chunks.ancillary);
  const layout = orientedLayout(width, height, orientation);

  const inflater = new Inflater(chunks.idat);
  const out = new Uint8Array(width * height * 3); // [layout.height, layout.width, 3]
  const bpp = filterUnit(header);
  for (const pass of passes(header)) {
    const length = 1 + rowBytes(header, pass.width);
    let row = new Uint8Array(length); // [filter, stride]
    let prev = new Uint8Array(length); // the pass's previous row; zeros before its first
    const step = pass.dx * layout.step;
    for (let y = 0; y < pass.height; y++) {
      if (inflater.read(row, 0, length) < length) {
        throw new ImageError('truncated', `PNG: image data is truncated (${inflater.produced} of ${filteredSize(header)} bytes after inflating)`);
      }
      unfilterRow(row, prev, bpp, y);
      const outY = pass.y0 + y * pass.dy;
      write(row.subarray(1), pass.width, out, layout.rowStart(outY) + pass.x0 * layout.step, step);
      [row, prev] = [prev, row];
    }
  }
  inflater.finish();
  return { data: out, width: layout.width, height: layout.height, header, orientation };
}
