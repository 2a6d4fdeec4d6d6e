import type { FeatureMap } from './conv2d.js';

/** torch's pooling_output_shape (dilation 1): in ceil mode the last window must start inside the input or left padding. */
function pooledSize(size: number, kernel: number, stride: number, padding: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * padding - kernel + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

export interface Pool2dSpec {
  kernel: number;
  stride: number;
  padding?: number;
  ceilMode?: boolean;
}

/** Output shape [n, oh, ow, c] of a channels-last pool. */
export function pool2dNhwcShape(shape: FeatureMap['shape'], spec: Pool2dSpec): FeatureMap['shape'] {
  const [n, h, w, c] = shape;
  const p = spec.padding ?? 0;
  const oh = pooledSize(h, spec.kernel, spec.stride, p, spec.ceilMode ?? false);
  const ow = pooledSize(w, spec.kernel, spec.stride, p, spec.ceilMode ?? false);
  if (oh < 1 || ow < 1) throw new RangeError(`pool2d: input ${h}x${w} is smaller than the ${spec.kernel}x${spec.kernel} window`);
  return [n, oh, ow, c];
}

/**
 * torch max_pool2d on channels-last maps: padding counts as -Infinity, a NaN in a window wins (as torch).
 * Writes into `out` (at least [n, oh, ow, c]) and returns the map.
 */
export function maxPool2dNhwc(x: FeatureMap, spec: Pool2dSpec, out: Float32Array): FeatureMap {
  const shape = pool2dNhwcShape(x.shape, spec);
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = shape;
  const { kernel: k, stride: s } = spec;
  const pad = spec.padding ?? 0;
  const data = out.subarray(0, n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * s - pad), y1 = Math.min(h, oy * s - pad + k);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * s - pad), x1 = Math.min(w, ox * s - pad + k);
        const dst = ((b * oh + oy) * ow + ox) * c;
        data.fill(-Infinity, dst, dst + c);
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const src = ((b * h + y) * w + xx) * c;
            for (let ch = 0; ch < c; ch++) {
              const m = data[dst + ch];
              const v = x.data[src + ch];
              if (m === m && !(v <= m)) data[dst + ch] = v; // takes a NaN, which then sticks
            }
          }
        }
      }
    }
  }
  return { data, shape };
}

/**
 * torch nn.AvgPool2d(kernel, stride, padding=0, ceil_mode, count_include_pad=False) on channels-last maps:
 * each window averages the pixels it covers (a ceil-mode window past the edge averages fewer). timm's
 * ResNet-D shortcut (`downsample_avg`) is AvgPool2d(2, 2, ceil_mode=True).
 */
export function avgPool2dNhwc(x: FeatureMap, spec: Pool2dSpec, out: Float32Array): FeatureMap {
  const shape = pool2dNhwcShape(x.shape, { ...spec, padding: 0 });
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = shape;
  const { kernel: k, stride: s } = spec;
  const data = out.subarray(0, n * oh * ow * c);
  const sum = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * s, y1 = Math.min(y0 + k, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * s, x1 = Math.min(x0 + k, w);
        sum.fill(0);
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const src = ((b * h + y) * w + xx) * c;
            for (let ch = 0; ch < c; ch++) sum[ch] += x.data[src + ch];
          }
        }
        const count = (y1 - y0) * (x1 - x0);
        const dst = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) data[dst + ch] = sum[ch] / count;
      }
    }
  }
  return { data, shape };
}
