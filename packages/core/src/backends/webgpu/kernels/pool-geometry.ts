/**
 * The geometry of torch's max_pool2d (kernel, stride, padding, dilation, ceil mode) on [N, C, H, W] sizes,
 * which this backend's pooling kernels use for both layouts.
 */

import { checkShape4, pair } from '../../../ops/check.js';

/** Options of `maxPool2d`, as torch.nn.functional.max_pool2d (stride defaults to the kernel size). */
export interface MaxPool2dOptions {
  kernel: number | readonly [number, number];
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  ceilMode?: boolean;
}

/** torch's pooling_output_shape: in ceil mode the last window must start inside the input or left padding. */
function poolOutputSize(size: number, k: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

export interface MaxPool2dParams {
  n: number; c: number; h: number; w: number; oh: number; ow: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

export function maxPool2dParams(xShape: readonly number[], options: MaxPool2dOptions): MaxPool2dParams {
  const [n, c, h, w] = checkShape4('maxPool2d', 'input shape', xShape);
  const [kh, kw] = pair('maxPool2d', 'kernel', options.kernel);
  const [sh, sw] = pair('maxPool2d', 'stride', options.stride ?? options.kernel);
  const [ph, pw] = pair('maxPool2d', 'padding', options.padding ?? 0);
  const [dh, dw] = pair('maxPool2d', 'dilation', options.dilation ?? 1);
  if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1) throw new RangeError('maxPool2d: kernel, stride and dilation must be >= 1');
  if (ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
    throw new RangeError(`maxPool2d: padding (${ph},${pw}) must be >= 0 and at most half the kernel (${kh},${kw})`);
  }
  const ceil = options.ceilMode ?? false;
  const oh = poolOutputSize(h, kh, ph, sh, dh, ceil);
  const ow = poolOutputSize(w, kw, pw, sw, dw, ceil);
  if (oh < 1 || ow < 1) throw new RangeError(`maxPool2d: output size would be ${oh}x${ow} for input [${xShape.join(',')}]`);
  return { n, c, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw };
}

/** Output shape `[N, C, OH, OW]` of `maxPool2d`. */
export function maxPool2dOutputShape(xShape: readonly number[], options: MaxPool2dOptions): [number, number, number, number] {
  const p = maxPool2dParams(xShape, options);
  return [p.n, p.c, p.oh, p.ow];
}
