import { ImageError } from '../errors.js';
import type { RgbImage } from '../rgb-image.js';
import { decodeJpeg, readJpegHeader } from './jpeg/jpeg.js';
import type { DecodeOptions } from './limits.js';
import { decodePng, readPngInfo } from './png/png.js';
import { otherFormatName, sniffFormat, type ImageFormat } from './sniff.js';

export interface ImageInfo {
  readonly format: ImageFormat;
  /** Size as stored, before EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation 1..8 when present (decodeImage applies it). */
  readonly orientation: number | undefined;
  /** PIL's mode on open: '1', 'L', 'I', 'P', 'LA', 'RGB', 'RGBA' or 'CMYK'. */
  readonly pilMode: string;
}

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new ImageError('invalid_input', 'decodeImage: expected a Uint8Array or ArrayBuffer');
}

function format(bytes: Uint8Array): ImageFormat {
  const found = sniffFormat(bytes);
  if (found) return found;
  if (bytes.length === 0) throw new ImageError('unknown_format', 'cannot identify image file: the input is empty');
  const other = otherFormatName(bytes);
  if (other) throw new ImageError('unknown_format', `cannot decode ${other} images: only PNG and JPEG are supported`);
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ImageError('unknown_format', `cannot identify image file (starts with ${head}): not a PNG or JPEG`);
}

/**
 * What PIL gives for these bytes: `Image.open` → `ImageOps.exif_transpose` → `convert('RGB')`
 * (transformers' `load_image`). PNG and JPEG; bit-exact with Pillow 9.4 / libjpeg-turbo 2.1.
 * Images larger than `maxPixels` are refused from their header, before pixel memory is allocated.
 */
export function decodeImage(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): RgbImage {
  const bytes = asBytes(input);
  const { data, width, height } = format(bytes) === 'png' ? decodePng(bytes, options) : decodeJpeg(bytes, options);
  return { data, width, height };
}

/** Format, stored size, orientation and PIL mode, from the headers only. */
export function readImageInfo(input: Uint8Array | ArrayBuffer): ImageInfo {
  const bytes = asBytes(input);
  if (format(bytes) === 'png') {
    const { header: h, orientation } = readPngInfo(bytes);
    return { format: 'png', width: h.width, height: h.height, orientation, pilMode: h.pilMode };
  }
  const h = readJpegHeader(bytes);
  const pilMode = h.components === 1 ? 'L' : h.components === 3 ? 'RGB' : 'CMYK';
  return { format: 'jpeg', width: h.width, height: h.height, orientation: h.orientation, pilMode };
}
