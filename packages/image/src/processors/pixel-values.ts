/**
 * uint8 HWC images → float32 NCHW pixel values through a per-channel lookup table: every input
 * byte maps to exactly one float32, computed once with the reference's own float rounding steps.
 */

import { Tensor } from '@purevit/core';
import { ConfigError, formatValue } from '@purevit/weights';
import { ImageError } from '../errors.js';
import type { RgbImage } from '../rgb-image.js';

/** [3, 256]: output value for channel c and byte x at c * 256 + x. */
export type ChannelTable = Float32Array;

/**
 * The table of `value` over every channel and byte. Every entry must be finite: a mean of 1e308 or a
 * std of 1e-300 would turn every pixel into ±Infinity, so such a config is refused here, once,
 * naming `what` (the fields that define `value`).
 */
export function channelTable(value: (x: number, channel: number) => number, what = 'mean / std'): ChannelTable {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let x = 0; x < 256; x++) {
      const v = value(x, c);
      table[c * 256 + x] = v;
      if (!Number.isFinite(table[c * 256 + x])) {
        throw new ConfigError('out_of_range', `${what} give a non-finite pixel value (${formatValue(v)} for byte ${x} of channel ${c})`, { field: what });
      }
    }
  }
  return table;
}

/** float32 `(x - mean) / std` as numpy / torch compute it with float32 operands. */
export function normalize32(x: number, mean: number, std: number): number {
  return Math.fround(Math.fround(x - Math.fround(mean)) / Math.fround(std));
}

/** Writes `image` as CHW into `out` at `offset`. */
export function writeChw(image: RgbImage, table: ChannelTable, out: Float32Array, offset: number): void {
  const n = image.width * image.height;
  const src = image.data;
  for (let c = 0; c < 3; c++) {
    const t = c * 256;
    const o = offset + c * n;
    for (let i = 0, p = c; i < n; i++, p += 3) out[o + i] = table[t + src[p]];
  }
}

/** Stacks same-sized processed images into pixel values [B, 3, H, W]. */
export function stack(images: readonly RgbImage[], table: ChannelTable): Tensor {
  if (images.length === 0) throw new ImageError('invalid_input', 'preprocess: no images given');
  const { width, height } = images[0];
  for (const [i, img] of images.entries()) {
    if (img.width !== width || img.height !== height) {
      throw new ImageError(
        'invalid_input',
        `preprocess: cannot batch images of different sizes (image 0 is ${width}x${height}, image ${i} is ${img.width}x${img.height}); enable resizing`,
      );
    }
  }
  const out = Tensor.zeros([images.length, 3, height, width]);
  const per = 3 * width * height;
  images.forEach((img, b) => writeChw(img, table, out.data, b * per));
  return out;
}

/** Normalises a mean/std config entry (number or list of 1 or 3) to three numbers. */
export function threeChannels(value: unknown, name: string): [number, number, number] {
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'number' && Number.isFinite(v)) || (list.length !== 1 && list.length !== 3)) {
    throw new ImageError('invalid_input', `${name} must be a number or a list of 1 or 3 numbers, got ${formatValue(value)}`);
  }
  return list.length === 1 ? [list[0], list[0], list[0]] : [list[0], list[1], list[2]];
}

/** A standard deviation list: dividing by 0 would turn every pixel value into ±Infinity or NaN. */
export function checkStd(std: readonly number[], name: string): void {
  if (std.some((s) => s === 0 || !Number.isFinite(s))) {
    throw new ConfigError('out_of_range', `${name} must be finite and non-zero (it divides every pixel), got ${formatValue(std)}`, { field: name });
  }
}
