import { axisTaps } from '../../../ops/interpolate-weights.js';
import type { InterpolateArgs } from '../../../ops/interpolate.js';

let rowScratch = new Float64Array(0);
let planeScratch = new Float64Array(0);

/**
 * Op `interpolate` on the 'js' backend. Separable, as torch's CPU kernel: a horizontal pass into a float64
 * [h, outW] plane, then a vertical pass; the taps (indices and weights per output index) are computed once
 * per axis by ops/interpolate-weights.ts.
 */
export function interpolateKernel(a: InterpolateArgs<Float32Array>): void {
  const { x, out } = a;
  const options = a;
  const [n, c, h, w] = a.shape;
  const [outH, outW] = a.size;
  const ty = axisTaps(h, outH, options, options.scaleFactor?.[0]);
  const tx = axisTaps(w, outW, options, options.scaleFactor?.[1]);
  if (options.mode === 'nearest') {
    for (let p = 0; p < n * c; p++) {
      for (let oy = 0; oy < outH; oy++) {
        const src = (p * h + ty.start[oy]) * w;
        const dst = (p * outH + oy) * outW;
        for (let ox = 0; ox < outW; ox++) out[dst + ox] = x[src + tx.start[ox]];
      }
    }
    return;
  }
  if (planeScratch.length < h * outW) planeScratch = new Float64Array(h * outW);
  if (rowScratch.length < outW) rowScratch = new Float64Array(outW);
  const plane = planeScratch; // [h, outW]
  const row = rowScratch; // [outW]
  const { taps: nx, index: ix, weights: wx } = tx;
  const { taps: ny, index: iy, weights: wy } = ty;
  for (let p = 0; p < n * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < h; y++) {
      const src = base + y * w;
      for (let ox = 0; ox < outW; ox++) {
        let s = 0;
        for (let t = ox * nx, e = t + nx; t < e; t++) s += wx[t] * x[src + ix[t]];
        plane[y * outW + ox] = s;
      }
    }
    const dstBase = p * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      row.fill(0, 0, outW);
      for (let t = oy * ny, e = t + ny; t < e; t++) {
        const wt = wy[t];
        if (wt === 0) continue;
        const srcRow = iy[t] * outW;
        for (let ox = 0; ox < outW; ox++) row[ox] += wt * plane[srcRow + ox];
      }
      const dst = dstBase + oy * outW;
      for (let ox = 0; ox < outW; ox++) out[dst + ox] = row[ox];
    }
  }
}
