/**
 * PIL's `Image.crop` and `ImageOps.expand` on RGB images: a crop box may reach outside the source,
 * where pixels are filled (0 for crop, as PIL does; a colour for expand).
 */

import { ImageError } from './errors.js';
import type { RgbImage } from './rgb-image.js';

export type Rgb = readonly [number, number, number];

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageError('invalid_input', `${what}: output size must be positive integers, got ${width}x${height}`);
  }
}

/**
 * The `width` x `height` region whose top-left corner is at (`left`, `top`) in the source; parts
 * outside the source are `fill` (default black, like PIL's crop).
 */
export function crop(image: RgbImage, left: number, top: number, width: number, height: number, fill: Rgb = [0, 0, 0]): RgbImage {
  checkSize(width, height, 'crop');
  if (!Number.isInteger(left) || !Number.isInteger(top)) throw new ImageError('invalid_input', `crop: offsets must be integers, got ${left}, ${top}`);
  const out = new Uint8Array(width * height * 3); // [height, width, 3]
  if (fill[0] !== 0 || fill[1] !== 0 || fill[2] !== 0) {
    for (let i = 0; i < out.length; i += 3) {
      out[i] = fill[0];
      out[i + 1] = fill[1];
      out[i + 2] = fill[2];
    }
  }
  const x0 = Math.max(0, left);
  const x1 = Math.min(image.width, left + width);
  const y0 = Math.max(0, top);
  const y1 = Math.min(image.height, top + height);
  if (x0 < x1) {
    for (let y = y0; y < y1; y++) {
      const src = (y * image.width + x0) * 3;
      out.set(image.data.subarray(src, src + (x1 - x0) * 3), ((y - top) * width + (x0 - left)) * 3);
    }
  }
  return { data: out, width, height };
}

/** ImageOps.expand: add borders of the given widths (left, top, right, bottom) in colour `fill`. */
export function pad(image: RgbImage, left: number, top: number, right: number, bottom: number, fill: Rgb): RgbImage {
  return crop(image, -left, -top, image.width + left + right, image.height + top + bottom, fill);
}
