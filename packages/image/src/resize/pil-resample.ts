/**
 * PIL's convolution resampling for 8-bit images (libImaging/Resample.c, Pillow 9.4): separable
 * filters whose support grows with the downscale factor (antialiasing), coefficients normalised to
 * sum 1 and quantised to 22-bit fixed point, a horizontal pass over only the rows the vertical pass
 * will read, then a vertical pass. Reproduces Pillow bit for bit.
 */

import type { RgbImage } from '../rgb-image.js';
import type { Filter } from './filters.js';

/** PIL's PRECISION_BITS = 32 - 8 - 2: 8 bits of result, 2 of headroom for negative lobes. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output pixel: the first input index and tap count, and the fixed-point taps. */
export interface Coefficients {
  readonly ksize: number;
  /** [outSize, 2]: first input index, number of taps */
  readonly bounds: Int32Array;
  /** [outSize, ksize] fixed-point weights, `ONE` = 1.0 */
  readonly weights: Int32Array;
}

/**
 * precompute_coeffs + normalize_coeffs_8bpc. `in0`/`in1` are the source interval (PIL's box,
 * held as float32 in C, so callers pass float32 values).
 */
export function precomputeCoefficients(inSize: number, in0: number, in1: number, outSize: number, filter: Filter): Coefficients {
  // (double)(in1 - in0): the subtraction happens in float32.
  const scale = Math.fround(in1 - in0) / outSize;
  const filterScale = scale < 1.0 ? 1.0 : scale;
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1.0 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0.0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.fn((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const base = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0.0 ? k[x] / ww : k[x];
      weights[base + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = Math.max(xmax, 0);
  }
  return { ksize, bounds, weights };
}

/** clip8: the accumulator's integer part, clamped to 0..255 (PIL's lookup table covers -640..639). */
function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Horizontal pass over `rows` rows of `src` starting at row `rowOffset`. */
function resampleHorizontal(
  src: Uint8Array, // [srcHeight, srcWidth, 3]
  srcWidth: number,
  rowOffset: number,
  rows: number,
  outWidth: number,
  c: Coefficients,
): Uint8Array {
  const out = new Uint8Array(rows * outWidth * 3); // [rows, outWidth, 3]
  const { ksize, bounds, weights } = c;
  for (let yy = 0; yy < rows; yy++) {
    const inRow = (yy + rowOffset) * srcWidth * 3;
    let o = yy * outWidth * 3;
    for (let xx = 0; xx < outWidth; xx++) {
      const xmin = bounds[xx * 2];
      const n = bounds[xx * 2 + 1];
      const kb = xx * ksize;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      let p = inRow + xmin * 3;
      for (let x = 0; x < n; x++, p += 3) {
        const w = weights[kb + x];
        s0 += src[p] * w;
        s1 += src[p + 1] * w;
        s2 += src[p + 2] * w;
      }
      out[o++] = clip8(s0);
      out[o++] = clip8(s1);
      out[o++] = clip8(s2);
    }
  }
  return out;
}

/** Vertical pass: output row yy reads src rows bounds[yy] .. bounds[yy] + n. */
function resampleVertical(
  src: Uint8Array, // [srcRows, width, 3]
  width: number,
  outHeight: number,
  c: Coefficients,
): Uint8Array {
  const out = new Uint8Array(outHeight * width * 3); // [outHeight, width, 3]
  const { ksize, bounds, weights } = c;
  const stride = width * 3;
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2];
    const n = bounds[yy * 2 + 1];
    const kb = yy * ksize;
    const o = yy * stride;
    for (let i = 0; i < stride; i++) {
      let s = HALF;
      let p = ymin * stride + i;
      for (let y = 0; y < n; y++, p += stride) s += src[p] * weights[kb + y];
      out[o + i] = clip8(s);
    }
  }
  return out;
}

/**
 * ImagingResampleInner for an RGB image: `box` = [x0, y0, x1, y1] source region as float32 values.
 * Runs the horizontal pass only when the width (or box) changes, the vertical one likewise.
 */
export function pilResample(image: RgbImage, width: number, height: number, filter: Filter, box: readonly number[]): RgbImage {
  const needHorizontal = width !== image.width || box[0] !== 0 || box[2] !== width;
  const needVertical = height !== image.height || box[1] !== 0 || box[3] !== height;
  const horiz = precomputeCoefficients(image.width, box[0], box[2], width, filter);
  const vert = precomputeCoefficients(image.height, box[1], box[3], height, filter);

  // Only rows the vertical pass reads go through the horizontal pass.
  const yFirst = vert.bounds[0];
  const yLast = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];

  let data = image.data;
  let currentWidth = image.width;
  let bounds = vert.bounds;
  if (needHorizontal) {
    bounds = vert.bounds.map((v, i) => (i % 2 === 0 ? v - yFirst : v));
    data = resampleHorizontal(image.data, image.width, yFirst, yLast - yFirst, width, horiz);
    currentWidth = width;
  }
  if (needVertical) {
    data = resampleVertical(data, currentWidth, height, { ...vert, bounds });
  } else if (!needHorizontal) {
    data = data.slice();
  }
  return { data, width, height };
}
