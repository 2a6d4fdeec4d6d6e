/**
 * Op `pool2d` on the 'js' backend: per output pixel, the window's pixels are swept with the channels
 * innermost (contiguous in NHWC); max keeps a NaN once it has one, avg sums in float64.
 */

import { pool2dGeometry, type Pool2dArgs } from '../../../ops/pool2d.js';

export function pool2dKernel(a: Pool2dArgs<Float32Array>): void {
  const g = pool2dGeometry(a);
  const { h, w, c } = g;
  const x = a.x, out = a.out;
  const includePad = a.countIncludePad ?? true;
  const sum = a.mode === 'avg' ? new Float64Array(c) : null;
  for (let b = 0; b < g.n; b++) {
    for (let oy = 0; oy < g.oh; oy++) {
      const y0 = oy * g.sh - g.ph, y1 = Math.min(y0 + g.kh, h + g.ph);
      const ya = Math.max(y0, 0), yb = Math.min(y1, h);
      for (let ox = 0; ox < g.ow; ox++) {
        const x0 = ox * g.sw - g.pw, x1 = Math.min(x0 + g.kw, w + g.pw);
        const xa = Math.max(x0, 0), xb = Math.min(x1, w);
        const dst = ((b * g.oh + oy) * g.ow + ox) * c;
        if (sum) {
          sum.fill(0);
          for (let y = ya; y < yb; y++) {
            for (let xx = xa; xx < xb; xx++) {
              const src = ((b * h + y) * w + xx) * c;
              for (let ch = 0; ch < c; ch++) sum[ch] += x[src + ch];
            }
          }
          const count = includePad ? (y1 - y0) * (x1 - x0) : (yb - ya) * (xb - xa);
          for (let ch = 0; ch < c; ch++) out[dst + ch] = sum[ch] / count;
          continue;
        }
        out.fill(-Infinity, dst, dst + c);
        // Max taps: every dh-th row and dw-th column of the window from its (padded) start, inside the input.
        const yStart = g.dh === 1 ? ya : firstTap(y0, g.dh), xStart = g.dw === 1 ? xa : firstTap(x0, g.dw);
        const yEnd = g.dh === 1 ? yb : Math.min(y0 + (g.kh - 1) * g.dh + 1, h), xEnd = g.dw === 1 ? xb : Math.min(x0 + (g.kw - 1) * g.dw + 1, w);
        for (let y = yStart; y < yEnd; y += g.dh) {
          for (let xx = xStart; xx < xEnd; xx += g.dw) {
            const src = ((b * h + y) * w + xx) * c;
            for (let ch = 0; ch < c; ch++) {
              const m = out[dst + ch];
              const v = x[src + ch];
              if (m === m && !(v <= m)) out[dst + ch] = v; // takes a NaN, which then sticks
            }
          }
        }
      }
    }
  }
}

/** The first tap of a dilated window starting at `start` (negative: in the padding) that lies inside the input. */
function firstTap(start: number, dilation: number): number {
  return start >= 0 ? start : start + Math.ceil(-start / dilation) * dilation;
}
