/**
 * PIL's `ImageOps.exif_transpose`: the transpose each EXIF orientation (2..8) calls for.
 * Orientation 6 (camera rotated clockwise) is PIL's ROTATE_270, i.e. 90° clockwise.
 *
 * Every transpose maps source pixel (x, y) to an output position that is linear in x and y, so a
 * decoder can write each decoded row straight to its place in the transposed image: `layout` gives,
 * per source row, the byte offset of its first pixel and the (possibly negative) step between
 * pixels. Decoders then never hold the image twice.
 */

import type { RgbImage } from '../rgb-image.js';

export interface OrientedLayout {
  /** Size of the transposed image. */
  readonly width: number;
  readonly height: number;
  /** Byte offset in the transposed RGB image of source pixel (0, y). */
  rowStart(y: number): number;
  /** Bytes between source pixels (x, y) and (x + 1, y) in the transposed image. */
  readonly step: number;
}

/**
 * Where source pixel (x, y) of a W × H image lands after `orientation`: X = ax·x + bx·y + cx,
 * Y = ay·x + by·y + cy (1, undefined and unknown values keep the image as it is).
 */
function transform(orientation: number | undefined, W: number, H: number): { swap: boolean; ax: number; bx: number; cx: number; ay: number; by: number; cy: number } {
  switch (orientation) {
    case 2: return { swap: false, ax: -1, bx: 0, cx: W - 1, ay: 0, by: 1, cy: 0 }; // FLIP_LEFT_RIGHT
    case 3: return { swap: false, ax: -1, bx: 0, cx: W - 1, ay: 0, by: -1, cy: H - 1 }; // ROTATE_180
    case 4: return { swap: false, ax: 1, bx: 0, cx: 0, ay: 0, by: -1, cy: H - 1 }; // FLIP_TOP_BOTTOM
    case 5: return { swap: true, ax: 0, bx: 1, cx: 0, ay: 1, by: 0, cy: 0 }; // TRANSPOSE
    case 6: return { swap: true, ax: 0, bx: -1, cx: H - 1, ay: 1, by: 0, cy: 0 }; // ROTATE_270
    case 7: return { swap: true, ax: 0, bx: -1, cx: H - 1, ay: -1, by: 0, cy: W - 1 }; // TRANSVERSE
    case 8: return { swap: true, ax: 0, bx: 1, cx: 0, ay: -1, by: 0, cy: W - 1 }; // ROTATE_90
    default: return { swap: false, ax: 1, bx: 0, cx: 0, ay: 0, by: 1, cy: 0 };
  }
}

/** The layout of a `width` × `height` image written in `orientation`'s transposed order. */
export function orientedLayout(width: number, height: number, orientation: number | undefined): OrientedLayout {
  const t = transform(orientation, width, height);
  const outW = t.swap ? height : width;
  const outH = t.swap ? width : height;
  const perY = 3 * (t.by * outW + t.bx);
  const origin = 3 * (t.cy * outW + t.cx);
  return { width: outW, height: outH, step: 3 * (t.ay * outW + t.ax), rowStart: (y) => origin + perY * y };
}

/** The image transposed for `orientation`; 1, undefined and unknown values return it unchanged. */
export function applyOrientation(image: RgbImage, orientation: number | undefined): RgbImage {
  if (orientation === undefined || orientation < 2 || orientation > 8 || !Number.isInteger(orientation)) return image;
  const { width: W, height: H, data: src } = image;
  const layout = orientedLayout(W, H, orientation);
  const out = new Uint8Array(src.length); // [layout.height, layout.width, 3]
  const step = layout.step;
  for (let y = 0, p = 0; y < H; y++) {
    for (let x = 0, o = layout.rowStart(y); x < W; x++, p += 3, o += step) {
      out[o] = src[p];
      out[o + 1] = src[p + 1];
      out[o + 2] = src[p + 2];
    }
  }
  return { data: out, width: layout.width, height: layout.height };
}
