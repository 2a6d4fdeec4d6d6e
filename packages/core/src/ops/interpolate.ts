/**
 * Op `interpolate`: exactly torch's F.interpolate on NCHW maps to [n, c, outH, outW] — 'nearest' (the legacy
 * one), 'bilinear', 'bicubic' (A = −0.75), alignCorners, antialias (PIL-style filters) and torch's
 * scale_factor — used to resample position embeddings. The per-axis taps are interpolate-weights.ts.
 */

import { axisTaps, checkInterpolateCall } from './interpolate-weights.js';
import { declareOp, type Sized } from './op.js';

/** F.interpolate's options ('nearest' is torch's legacy nearest, not nearest-exact). */
export interface InterpolateOptions {
  mode: 'nearest' | 'bilinear' | 'bicubic';
  alignCorners?: boolean;
  antialias?: boolean;
  /** torch's `scale_factor` [h, w] when the caller resizes by a factor (without recompute_scale_factor). */
  scaleFactor?: readonly [number, number];
}

export interface InterpolateArgs<A> extends InterpolateOptions {
  /** [n, c, h, w]. */
  x: A;
  shape: readonly [number, number, number, number];
  /** [outH, outW]. */
  size: readonly [number, number];
  /** [n, c, outH, outW]; must not overlap x. */
  out: A;
}

export const interpolate = declareOp({
  name: 'interpolate',
  outputs: ['out'],
  check(a: InterpolateArgs<Sized>): void {
    if (!Array.isArray(a.size) || a.size.length !== 2) throw new RangeError(`interpolate: size must be [outH, outW], got ${String(a.size)}`);
    checkInterpolateCall(a.x, a.shape, a.size[0], a.size[1], a, a.out);
  },
  /** Every output pixel is the full 2-D weighted sum of its taps, in float64. */
  reference(a: InterpolateArgs<Float32Array>): void {
    const [n, c, h, w] = a.shape;
    const [outH, outW] = a.size;
    const ty = axisTaps(h, outH, a, a.scaleFactor?.[0]);
    const tx = axisTaps(w, outW, a, a.scaleFactor?.[1]);
    for (let nc = 0; nc < n * c; nc++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          let s = 0;
          for (let i = 0; i < ty.taps; i++) {
            const wy = ty.weights[oy * ty.taps + i];
            if (wy === 0) continue;
            const y = ty.index[oy * ty.taps + i];
            for (let j = 0; j < tx.taps; j++) {
              const wx = tx.weights[ox * tx.taps + j];
              if (wx === 0) continue;
              s += wy * wx * a.x[(nc * h + y) * w + tx.index[ox * tx.taps + j]];
            }
          }
          a.out[(nc * outH + oy) * outW + ox] = s;
        }
      }
    }
  },
});
