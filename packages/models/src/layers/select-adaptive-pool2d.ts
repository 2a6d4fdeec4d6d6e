import { adaptiveAvgPool2d } from '@purevit/core';
/** An NCHW map (what forward_features returns and forward_head pools). */
export interface NchwMap {
  data: Float32Array; // [n, c, h, w]
  shape: [number, number, number, number];
}

/** timm's SelectAdaptivePool2d pool types ('' = no pooling). */
export type GlobalPool2dType = '' | 'avg' | 'max' | 'avgmax' | 'catavgmax';

export const GLOBAL_POOL_2D_TYPES: readonly GlobalPool2dType[] = ['', 'avg', 'max', 'avgmax', 'catavgmax'];

/** Features per channel after pooling (catavgmax concatenates avg and max). */
export function poolFeatureMultiplier(type: GlobalPool2dType): number {
  return type === 'catavgmax' ? 2 : 1;
}

/**
 * timm's SelectAdaptivePool2d with flatten, to output size 1: [n, c, h, w] → [n, c·mult].
 * avg = mean over h·w; max = amax; avgmax = 0.5·(avg + max); catavgmax = [avg | max] along channels.
 */
export function selectAdaptivePool2d(x: NchwMap, type: Exclude<GlobalPool2dType, ''>): { data: Float32Array; shape: [number, number] } {
  const [n, c, h, w] = x.shape;
  const hw = h * w;
  const avg = new Float32Array(n * c);
  if (type !== 'max') adaptiveAvgPool2d(x.data, x.shape, 1, 1, avg);
  const max = new Float32Array(type === 'avg' ? 0 : n * c);
  if (type !== 'avg') {
    for (let p = 0; p < n * c; p++) {
      let m = -Infinity;
      for (let i = p * hw; i < (p + 1) * hw; i++) {
        const v = x.data[i];
        if (v !== v) {
          m = NaN; // a NaN wins, as in torch's amax
          break;
        }
        if (v > m) m = v;
      }
      max[p] = m;
    }
  }
  switch (type) {
    case 'avg':
      return { data: avg, shape: [n, c] };
    case 'max':
      return { data: max, shape: [n, c] };
    case 'avgmax': {
      const out = new Float32Array(n * c);
      for (let i = 0; i < n * c; i++) out[i] = 0.5 * Math.fround(avg[i] + max[i]);
      return { data: out, shape: [n, c] };
    }
    case 'catavgmax': {
      const out = new Float32Array(2 * n * c);
      for (let b = 0; b < n; b++) {
        out.set(avg.subarray(b * c, (b + 1) * c), b * 2 * c);
        out.set(max.subarray(b * c, (b + 1) * c), b * 2 * c + c);
      }
      return { data: out, shape: [n, 2 * c] };
    }
  }
}
