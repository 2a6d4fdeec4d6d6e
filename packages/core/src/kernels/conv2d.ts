import { conv2dReference } from '../reference/conv2d.js';
import type { Conv2dOptions } from './output-shapes.js';

export { conv2dOutputShape, type Conv2dOptions } from './output-shapes.js';

/** torch.nn.functional.conv2d on NCHW float32 (zero padding, stride, dilation, groups). */
export function conv2d(
  x: Float32Array, // [n, c, h, w]
  xShape: readonly number[],
  weight: Float32Array, // [o, c / groups, kh, kw]
  wShape: readonly number[],
  bias: Float32Array | null, // [o]
  out: Float32Array, // [n, o, oh, ow]
  options: Conv2dOptions = {},
): void {
  conv2dReference(x, xShape, weight, wShape, bias, out, options);
}
