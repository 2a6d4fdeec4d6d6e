/**
 * PIL's NEAREST resize (Pillow 9.4 `_resize` → ImagingTransformAffine → ImagingScaleAffine): not a
 * filter but an affine scale that samples the source at output pixel centres, accumulating the
 * source coordinate by repeated float64 addition and truncating it. Reproduced step for step, since
 * a closed form (floor((x + 0.5) * scale)) can land on the other side of an integer.
 */

import type { RgbImage } from '../rgb-image.js';

/** C's COORD(v): -1 for negatives, else truncation. */
function coord(v: number): number {
  return v < 0.0 ? -1 : Math.trunc(v);
}

export function pilNearest(image: RgbImage, width: number, height: number, box: readonly number[]): RgbImage {
  // a[0] = (double)(box[2] - box[0]) / xsize, the subtraction in float32.
  const a0 = Math.fround(box[2] - box[0]) / width;
  const a4 = Math.fround(box[3] - box[1]) / height;
  const srcW = image.width;
  const srcH = image.height;

  const xTable = new Int32Array(width); // [width] source column per output column
  let xmin = width;
  let xmax = 0;
  let xo = box[0] + a0 * 0.5;
  for (let x = 0; x < width; x++) {
    const xin = coord(xo);
    if (xin >= 0 && xin < srcW) {
      xmax = x + 1;
      if (x < xmin) xmin = x;
      xTable[x] = xin;
    }
    xo += a0;
  }

  // Output pixels that map outside the source stay 0 (PIL fills them).
  const out = new Uint8Array(width * height * 3); // [height, width, 3]
  const src = image.data;
  let yo = box[1] + a4 * 0.5;
  for (let y = 0; y < height; y++) {
    const yi = coord(yo);
    if (yi >= 0 && yi < srcH) {
      const inRow = yi * srcW * 3;
      const outRow = y * width * 3;
      for (let x = xmin; x < xmax; x++) {
        const p = inRow + xTable[x] * 3;
        const o = outRow + x * 3;
        out[o] = src[p];
        out[o + 1] = src[p + 1];
        out[o + 2] = src[p + 2];
      }
    }
    yo += a4;
  }
  return { data: out, width, height };
}
