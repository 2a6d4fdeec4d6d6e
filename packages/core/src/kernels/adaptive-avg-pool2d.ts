import { adaptiveAvgPool2dReference } from '../reference/adaptive-avg-pool2d.js';

/** torch.nn.functional.adaptive_avg_pool2d on NCHW to [n, c, outH, outW]. */
export function adaptiveAvgPool2d(x: Float32Array, xShape: readonly number[], outH: number, outW: number, out: Float32Array): void {
  adaptiveAvgPool2dReference(x, xShape, outH, outW, out);
}
