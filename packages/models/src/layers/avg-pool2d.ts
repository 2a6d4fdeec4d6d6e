import type { FeatureMap } from './conv2d.js';

/** torch's pooling_output_shape for padding 0, dilation 1: in ceil mode the last window must start inside the input. */
function pooledSize(size: number, kernel: number, stride: number, ceilMode: boolean): number {
  let out = Math.floor((size - kernel + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size) out--;
  return out;
}

/**
 * torch nn.AvgPool2d(kernel, stride, padding=0, ceil_mode, count_include_pad=False) on NCHW: each
 * window averages the input pixels it covers (a ceil-mode window that runs past the edge averages
 * fewer). timm's ResNet-D shortcut (`downsample_avg`) is AvgPool2d(2, 2, ceil_mode=True).
 */
export function avgPool2d(x: FeatureMap, kernel: number, stride: number, ceilMode: boolean): FeatureMap {
  const [n, c, h, w] = x.shape;
  const oh = pooledSize(h, kernel, stride, ceilMode);
  const ow = pooledSize(w, kernel, stride, ceilMode);
  if (oh < 1 || ow < 1) throw new RangeError(`avgPool2d: input ${h}x${w} is smaller than the ${kernel}x${kernel} window`);
  const out = new Float32Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride;
      const y1 = Math.min(y0 + kernel, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride;
        const x1 = Math.min(x0 + kernel, w);
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) sum += x.data[plane + y * w + xx];
        out[(p * oh + oy) * ow + ox] = sum / ((y1 - y0) * (x1 - x0));
      }
    }
  }
  return { data: out, shape: [n, c, oh, ow] };
}
