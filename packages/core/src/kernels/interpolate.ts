import { interpolateReference } from '../reference/interpolate.js';

/** Options of `interpolate`, as F.interpolate ('nearest' is torch's legacy nearest, not nearest-exact). */
export interface InterpolateOptions {
  mode: 'nearest' | 'bilinear' | 'bicubic';
  alignCorners?: boolean;
  antialias?: boolean;
  /** torch's `scale_factor` [h, w] when the caller resizes by a factor (without recompute_scale_factor). */
  scaleFactor?: readonly [number, number];
}

/** F.interpolate on NCHW to [n, c, outH, outW]. */
export function interpolate(
  x: Float32Array, // [n, c, h, w]
  xShape: readonly number[],
  outH: number,
  outW: number,
  options: InterpolateOptions,
  out: Float32Array, // [n, c, outH, outW]
): void {
  interpolateReference(x, xShape, outH, outW, options, out);
}
