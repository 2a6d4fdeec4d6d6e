import { maxPool2dReference } from '../reference/max-pool2d.js';
import type { MaxPool2dOptions } from './output-shapes.js';

export { maxPool2dOutputShape, type MaxPool2dOptions } from './output-shapes.js';

/** torch.nn.functional.max_pool2d on NCHW (padding is -Infinity; ceilMode as torch). */
export function maxPool2d(x: Float32Array, xShape: readonly number[], options: MaxPool2dOptions, out: Float32Array): void {
  maxPool2dReference(x, xShape, options, out);
}
