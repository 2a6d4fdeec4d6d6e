/**
 * Chroma upsampling as libjpeg-turbo's jdsample.c does it with its defaults (do_fancy_upsampling):
 * triangular "fancy" filters for 2x1 (h2v1), 1x2 (h1v2) and 2x2 (h2v2) with their alternating
 * rounding biases, plain replication for other integer factors and for components at most two
 * samples wide. Rows above the first and below the last real row repeat the edge row, as libjpeg's
 * context-row pointers do; columns use libjpeg's edge special cases.
 */

import { ImageError } from '../../errors.js';

/** Row `r` of a component's samples (clamped to its real rows): the buffer and the offset of its first sample. */
export type RowSource = (r: number) => { readonly data: Uint8Array; readonly offset: number };

/** Writes output row `y` (outWidth samples at full resolution) into `out`. */
export type RowUpsampler = (y: number, out: Uint8Array) => void;

/**
 * The upsampler of a component with `width` real samples per row and sampling factors (h, v) in a
 * frame of (maxH, maxV): row by row, reading at most the two component rows each output row needs.
 */
export function upsampler(src: RowSource, width: number, h: number, v: number, maxH: number, maxV: number, outWidth: number): RowUpsampler {
  if (h === maxH && v === maxV) {
    return (y, out) => {
      const { data, offset } = src(y);
      out.set(data.subarray(offset, offset + outWidth));
    };
  }
  if (h * 2 === maxH && v === maxV && width > 2) {
    return (y, out) => {
      const { data, offset } = src(y);
      h2v1Row(data, offset, width, out, 0, outWidth);
    };
  }
  if (h === maxH && v * 2 === maxV) {
    return (y, out) => {
      const near = src(y >> 1);
      const far = src((y & 1) === 0 ? (y >> 1) - 1 : (y >> 1) + 1);
      const bias = (y & 1) === 0 ? 1 : 2;
      const nd = near.data;
      const fd = far.data;
      for (let x = 0, n = near.offset, f = far.offset; x < outWidth; x++) out[x] = (nd[n + x] * 3 + fd[f + x] + bias) >> 2;
    };
  }
  if (h * 2 === maxH && v * 2 === maxV && width > 2) {
    const sums = new Int32Array(width);
    return (y, out) => {
      const near = src(y >> 1);
      const far = src((y & 1) === 0 ? (y >> 1) - 1 : (y >> 1) + 1);
      const nd = near.data;
      const fd = far.data;
      for (let x = 0, n = near.offset, f = far.offset; x < width; x++) sums[x] = nd[n + x] * 3 + fd[f + x];
      h2v2Row(sums, width, out, 0, outWidth);
    };
  }
  if (maxH % h === 0 && maxV % v === 0) {
    const fx = maxH / h;
    const fy = maxV / v;
    return (y, out) => {
      const { data, offset } = src(Math.floor(y / fy));
      for (let x = 0; x < outWidth; x++) out[x] = data[offset + Math.floor(x / fx)];
    };
  }
  throw new ImageError('unsupported', `JPEG: fractional sampling factors (${h}x${v} of ${maxH}x${maxV}) are not supported`);
}

/** h2v1_fancy_upsample: 3/4 nearer + 1/4 further sample, biases alternating +1 / +2. */
function h2v1Row(data: Uint8Array, p: number, width: number, out: Uint8Array, o: number, outWidth: number): void {
  const put = (i: number, value: number): void => {
    if (i < outWidth) out[o + i] = value;
  };
  put(0, data[p]);
  put(1, (data[p] * 3 + data[p + 1] + 2) >> 2);
  for (let x = 1; x < width - 1; x++) {
    const v = data[p + x] * 3;
    put(2 * x, (v + data[p + x - 1] + 1) >> 2);
    put(2 * x + 1, (v + data[p + x + 1] + 2) >> 2);
  }
  const last = width - 1;
  put(2 * last, (data[p + last] * 3 + data[p + last - 1] + 1) >> 2);
  put(2 * last + 1, data[p + last]);
}

/** h2v2_fancy_upsample on one output row, from the column sums 3 * nearer row + further row. */
function h2v2Row(sums: Int32Array, width: number, out: Uint8Array, o: number, outWidth: number): void {
  const put = (i: number, value: number): void => {
    if (i < outWidth) out[o + i] = value;
  };
  put(0, (sums[0] * 4 + 8) >> 4);
  put(1, (sums[0] * 3 + sums[1] + 7) >> 4);
  for (let x = 1; x < width - 1; x++) {
    put(2 * x, (sums[x] * 3 + sums[x - 1] + 8) >> 4);
    put(2 * x + 1, (sums[x] * 3 + sums[x + 1] + 7) >> 4);
  }
  const last = width - 1;
  put(2 * last, (sums[last] * 3 + sums[last - 1] + 8) >> 4);
  put(2 * last + 1, (sums[last] * 4 + 7) >> 4);
}
