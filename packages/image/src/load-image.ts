/**
 * One entry point for every image source: encoded bytes (Uint8Array, Node Buffer, ArrayBuffer,
 * Blob/File), a path or URL (read through `@purevit/weights/platform`, so Node reads files and the
 * browser fetches), a `data:` URL, already-decoded pixels (ImageData-like `{data, width, height}`
 * with 1, 3 or 4 channels) or an HWC scijs ndarray. Decoded sources follow PIL's `convert('RGB')`:
 * alpha is dropped, grey is replicated.
 */

import type { ReadLimits } from '@purevit/weights';
import { readBytes } from '@purevit/weights/platform';
import { decodeImage } from './decode/decode-image.js';
import type { DecodeOptions } from './decode/limits.js';
import { checkPixelLimit } from './decode/limits.js';
import { ImageError } from './errors.js';
import type { RgbImage } from './rgb-image.js';

/** Decoded pixels: 1 (grey), 3 (RGB) or 4 (RGBA) interleaved 8-bit channels, like ImageData. */
export interface PixelData {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
}

/** A scijs ndarray (or compatible view) of shape [H, W] or [H, W, C], C in 1, 3, 4. */
export interface NdArrayLike {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
}

export type ImageInput = Uint8Array | ArrayBuffer | Blob | string | PixelData | NdArrayLike;

export interface LoadImageOptions extends DecodeOptions {
  /** Byte and time limits for paths and URLs (default DEFAULT_READ_LIMITS: 256 MiB, 5 min, 30 s idle). */
  readLimits?: ReadLimits;
}

function isNdArray(x: object): x is NdArrayLike {
  return 'shape' in x && 'stride' in x && 'data' in x;
}

function isPixelData(x: object): x is PixelData {
  return 'data' in x && 'width' in x && 'height' in x;
}

function byte(v: number, where: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) {
    throw new ImageError('invalid_input', `${where}: pixel values must be integers in 0..255, found ${v}`);
  }
  return v;
}

function fromPixels(p: PixelData, options: DecodeOptions): RgbImage {
  const { width, height, data } = p;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageError(width === 0 || height === 0 ? 'zero_size' : 'invalid_input', `loadImage: invalid image size ${width}x${height}`);
  }
  checkPixelLimit('pixels', width, height, options);
  const n = width * height;
  const channels = data.length / n;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ImageError('invalid_input', `loadImage: ${data.length} values for ${width}x${height} pixels is not 1, 3 or 4 channels`);
  }
  const out = new Uint8Array(n * 3); // [height, width, 3]
  const exact = data instanceof Uint8Array || data instanceof Uint8ClampedArray;
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const p0 = i * channels;
    for (let c = 0; c < 3; c++) {
      const v = data[channels === 1 ? p0 : p0 + c];
      out[o + c] = exact ? v : byte(v, 'loadImage');
    }
  }
  return { data: out, width, height };
}

function fromNdArray(a: NdArrayLike, options: DecodeOptions): RgbImage {
  const { shape, stride, offset, data } = a;
  if ((shape.length !== 2 && shape.length !== 3) || (shape.length === 3 && ![1, 3, 4].includes(shape[2]))) {
    throw new ImageError('invalid_input', `loadImage: expected an HWC ndarray of shape [H, W] or [H, W, 1|3|4], got [${shape.join(', ')}]`);
  }
  const [height, width] = shape;
  const channels = shape.length === 3 ? shape[2] : 1;
  if (width < 1 || height < 1) throw new ImageError('zero_size', `loadImage: ndarray has zero size [${shape.join(', ')}]`);
  checkPixelLimit('ndarray', width, height, options);
  const sc = shape.length === 3 ? stride[2] : 0;
  const out = new Uint8Array(width * height * 3); // [height, width, 3]
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      const base = offset + y * stride[0] + x * stride[1];
      for (let c = 0; c < 3; c++) out[o + c] = byte(data[base + (channels === 1 ? 0 : c * sc)], 'loadImage (ndarray)');
    }
  }
  return { data: out, width, height };
}

function dataUrlBytes(url: string): Uint8Array {
  const comma = url.indexOf(',');
  if (comma < 0) throw new ImageError('invalid_input', 'loadImage: malformed data: URL');
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  let text: string;
  try {
    text = meta.endsWith(';base64') ? atob(payload) : decodeURIComponent(payload);
  } catch {
    throw new ImageError('invalid_input', `loadImage: malformed data: URL (its ${meta.endsWith(';base64') ? 'base64' : 'percent-encoded'} payload does not decode)`);
  }
  if (!meta.endsWith(';base64')) return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Loads any supported image source as what PIL's `load_image` gives (see `decodeImage`). */
export async function loadImage(input: ImageInput, options: LoadImageOptions = {}): Promise<RgbImage> {
  if (typeof input === 'string') {
    return decodeImage(input.startsWith('data:') ? dataUrlBytes(input) : await readBytes(input, options.readLimits), options);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return decodeImage(input, options);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return decodeImage(new Uint8Array(await input.arrayBuffer()), options);
  if (ArrayBuffer.isView(input)) {
    throw new ImageError('invalid_input', 'loadImage: encoded bytes must be a Uint8Array; for decoded pixels pass { data, width, height }');
  }
  if (input !== null && typeof input === 'object') {
    if (isNdArray(input)) return fromNdArray(input, options);
    if (isPixelData(input)) return fromPixels(input, options);
  }
  throw new ImageError('invalid_input', 'loadImage: expected bytes, a Blob, a path or URL, { data, width, height } pixels or an HWC ndarray');
}
