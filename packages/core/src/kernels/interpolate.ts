import { axisTaps, checkInterpolateCall } from './interpolate-weights.js';

/** Options of `interpolate`, as F.interpolate ('nearest' is torch's legacy nearest, not nearest-exact). */
export interface InterpolateOptions {
  mode: 'nearest' | 'bilinear' | 'bicubic';
  alignCorners?: boolean;
  antialias?: boolean;
  /** torch's `scale_factor` [h, w] when the caller resizes by a factor (without recompute_scale_factor). */
  scaleFactor?: readonly [number, number];
}

let rowScratch = new Float64Array(0);
let planeScratch = new Float64Array(0);

/**
 * F.interpolate on NCHW to [n, c, outH, outW]. Separable, as torch's CPU kernel: a horizontal pass into a
 * float64 [h, outW] plane, then a vertical pass; the taps (indices and weights per output index) are
 * computed once per axis by interpolate-weights.ts.
 */
export function interpolate(
  x: Float32Array, // [n, c, h, w]
  xShape: readonly number[],
  outH: number,
  outW: number,
  options: InterpolateOptions,
  out: Float32Array, // [n, c, outH, outW]
): void {
  const [n, c, h, w] = checkInterpolateCall(x, xShape, outH, outW, options, out);
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
