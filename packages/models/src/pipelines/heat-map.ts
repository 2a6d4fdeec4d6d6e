/**
 * A patch-grid map (e.g. attention) drawn over its image: bilinear upsampling to the image size
 * (F.interpolate's reference, on the CPU: the map is an output already read back), min-max normalisation, the inferno colormap, alpha-blended over the image. Tiny
 * images (Fashion-MNIST's 28×28) are first enlarged with nearest-neighbour so the map stays legible.
 */

import { runReference } from '@purevit/core';
import { resize, type RgbImage } from '@purevit/image';

export interface HeatMapOptions {
  /** Enlarge the image by a whole factor (nearest) until its shorter side is at least this (default 224). */
  minSize?: number;
  /** Opacity of the colour layer in 0..1 (default 0.5). */
  alpha?: number;
}

/** matplotlib's inferno at 0, 1/8, …, 1: black → purple → red → orange → pale yellow. */
const INFERNO: readonly (readonly [number, number, number])[] = [
  [0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85], [227, 89, 51], [249, 140, 10], [249, 201, 50], [252, 255, 164],
];

/** The inferno colour of t in [0, 1] (clamped), linearly interpolated between the table's stops. */
export function inferno(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [INFERNO[i], INFERNO[i + 1]];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** `values` [grid[0], grid[1]] upsampled bilinearly to [height, width] and scaled to [0, 1] (all 0 when flat). */
export function upsampleMap(values: Float32Array, grid: readonly [number, number], width: number, height: number): Float32Array {
  const [gh, gw] = grid;
  if (values.length !== gh * gw) throw new RangeError(`heat map: ${values.length} values do not fill a ${gh}x${gw} grid`);
  const out = new Float32Array(width * height); // [height, width]
  runReference('interpolate', { x: values, shape: [1, 1, gh, gw], size: [height, width], mode: 'bilinear', alignCorners: false, out });
  let min = Infinity;
  let max = -Infinity;
  for (const v of out) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  for (let i = 0; i < out.length; i++) out[i] = range > 0 ? (out[i] - min) / range : 0;
  return out;
}

/** The map over the (possibly enlarged) image: `(1 - alpha)·image + alpha·inferno(map)`. */
export function heatMapOverlay(image: RgbImage, values: Float32Array, grid: readonly [number, number], options: HeatMapOptions = {}): RgbImage {
  const minSize = options.minSize ?? 224;
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`heat map: alpha must be in [0, 1], got ${alpha}`);
  const scale = Math.max(1, Math.ceil(minSize / Math.min(image.width, image.height)));
  const base = scale > 1 ? resize(image, image.width * scale, image.height * scale, 'nearest') : image;
  const { width, height } = base;
  const heat = upsampleMap(values, grid, width, height);
  const data = new Uint8Array(width * height * 3); // [height, width, 3]
  for (let p = 0; p < width * height; p++) {
    const color = inferno(heat[p]);
    for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round((1 - alpha) * base.data[p * 3 + c] + alpha * color[c]);
  }
  return { data, width, height };
}
