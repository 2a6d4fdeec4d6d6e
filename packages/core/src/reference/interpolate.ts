import type { InterpolateOptions } from '../kernels/interpolate.js';
import { axisTaps, checkInterpolateCall } from '../kernels/interpolate-weights.js';

/** F.interpolate on NCHW: every output pixel is the full 2-D weighted sum of its taps, in float64. */
export function interpolateReference(
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
  for (let nc = 0; nc < n * c; nc++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let s = 0;
        for (let a = 0; a < ty.taps; a++) {
          const wy = ty.weights[oy * ty.taps + a];
          if (wy === 0) continue;
          const y = ty.index[oy * ty.taps + a];
          for (let b = 0; b < tx.taps; b++) {
            const wx = tx.weights[ox * tx.taps + b];
            if (wx === 0) continue;
            s += wy * wx * x[(nc * h + y) * w + tx.index[ox * tx.taps + b]];
          }
        }
        out[(nc * outH + oy) * outW + ox] = s;
      }
    }
  }
}
