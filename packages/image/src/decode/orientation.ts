/**
 * PIL's `ImageOps.exif_transpose`: the transpose each EXIF orientation (2..8) calls for.
 * Orientation 6 (camera rotated clockwise) is PIL's ROTATE_270, i.e. 90° clockwise.
 */

import type { RgbImage } from '../rgb-image.js';

/**
 * The image transposed for `orientation`; 1, undefined and unknown values return it unchanged.
 * For each output pixel (X, Y) the source pixel is given by `source`.
 */
export function applyOrientation(image: RgbImage, orientation: number | undefined): RgbImage {
  const W = image.width;
  const H = image.height;
  let swap = false;
  let source: (X: number, Y: number) => number;
  switch (orientation) {
    case 2: source = (X, Y) => Y * W + (W - 1 - X); break; // FLIP_LEFT_RIGHT
    case 3: source = (X, Y) => (H - 1 - Y) * W + (W - 1 - X); break; // ROTATE_180
    case 4: source = (X, Y) => (H - 1 - Y) * W + X; break; // FLIP_TOP_BOTTOM
    case 5: swap = true; source = (X, Y) => X * W + Y; break; // TRANSPOSE
    case 6: swap = true; source = (X, Y) => (H - 1 - X) * W + Y; break; // ROTATE_270
    case 7: swap = true; source = (X, Y) => (H - 1 - X) * W + (W - 1 - Y); break; // TRANSVERSE
    case 8: swap = true; source = (X, Y) => X * W + (W - 1 - Y); break; // ROTATE_90
    default: return image;
  }
  const outW = swap ? H : W;
  const outH = swap ? W : H;
  const src = image.data;
  const out = new Uint8Array(src.length); // [outH, outW, 3]
  for (let Y = 0, o = 0; Y < outH; Y++) {
    for (let X = 0; X < outW; X++, o += 3) {
      const p = source(X, Y) * 3;
      out[o] = src[p];
      out[o + 1] = src[p + 1];
      out[o + 2] = src[p + 2];
    }
  }
  return { data: out, width: outW, height: outH };
}
