/**
 * Op `adaptivePool2d` on the 'js' backend: per output pixel, the window swept with the channels innermost,
 * float64 sums (in the reference's order) and maxima that keep a NaN.
 */

import type { AdaptivePool2dArgs } from '../../../ops/adaptive-pool2d.js';

export function adaptivePool2dKernel(a: AdaptivePool2dArgs<Float32Array>): void {
  const [n, h, w, c] = a.shape;
  const [oh, ow] = a.outSize;
  const ldb = a.ldb ?? h * w * c, ldo = a.ldo ?? oh * ow * c;
  const sum = new Float64Array(c);
  const max = new Float32Array(c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.floor((oy * h) / oh), y1 = Math.ceil(((oy + 1) * h) / oh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.floor((ox * w) / ow), x1 = Math.ceil(((ox + 1) * w) / ow);
        sum.fill(0);
        max.fill(-Infinity);
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            const src = b * ldb + (y * w + x) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = a.x[src + ch];
              sum[ch] += v;
              const m = max[ch];
              if (m === m && !(v <= m)) max[ch] = v;
            }
          }
        }
        const count = (y1 - y0) * (x1 - x0);
        const dst = b * ldo + (oy * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          const avg = Math.fround(sum[ch] / count);
          a.out[dst + ch] = a.mode === 'avg' ? avg : a.mode === 'max' ? max[ch] : 0.5 * Math.fround(avg + max[ch]);
        }
      }
    }
  }
}
