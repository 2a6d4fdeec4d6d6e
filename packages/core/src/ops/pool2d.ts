/**
 * Op `pool2d`: torch's max_pool2d / avg_pool2d on channels-last maps, x [n, h, w, c] → out [n, oh, ow, c].
 * Max: padding counts as -Infinity, a NaN in a window wins, taps may be dilated. Avg: the window sum over its count, the
 * count including the padding or not (count_include_pad), as torch clips windows in ceil mode.
 */

import { checkLength, checkShape4, pair } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface Pool2dArgs<A> {
  /** [n, h, w, c]. */
  x: A;
  shape: readonly [number, number, number, number];
  mode: 'max' | 'avg';
  kernel: readonly [number, number];
  /** Default: the kernel. */
  stride?: readonly [number, number];
  /** Default [0, 0]; at most half the kernel (torch). */
  padding?: readonly [number, number];
  /** Max only: spacing of the window's taps (default [1, 1]; torch's avg_pool2d has none). */
  dilation?: readonly [number, number];
  ceilMode?: boolean;
  /** Avg: divide by the window including padding (torch's default, true) or by the pixels it covers. */
  countIncludePad?: boolean;
  /** [n, oh, ow, c]; must not overlap x. */
  out: A;
}

export interface Pool2dGeometry {
  n: number; h: number; w: number; c: number; oh: number; ow: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

type Window = Pick<Pool2dArgs<unknown>, 'shape' | 'kernel' | 'stride' | 'padding' | 'dilation' | 'ceilMode'>;

/** torch's pooling_output_shape: in ceil mode the last window must start inside the input or left padding. */
function pooledSize(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

export function pool2dGeometry(a: Window): Pool2dGeometry {
  const [n, h, w, c] = checkShape4('pool2d', 'input shape', a.shape, 'N, H, W, C');
  const [kh, kw] = pair('pool2d', 'kernel', a.kernel);
  const [sh, sw] = pair('pool2d', 'stride', a.stride ?? a.kernel);
  const [ph, pw] = pair('pool2d', 'padding', a.padding ?? [0, 0]);
  const [dh, dw] = pair('pool2d', 'dilation', a.dilation ?? [1, 1]);
  if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1) throw new RangeError('pool2d: kernel, stride and dilation must be >= 1');
  if (ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
    throw new RangeError(`pool2d: padding (${ph},${pw}) must be >= 0 and at most half the kernel (${kh},${kw})`);
  }
  const oh = pooledSize(h, kh, ph, sh, dh, a.ceilMode ?? false);
  const ow = pooledSize(w, kw, pw, sw, dw, a.ceilMode ?? false);
  if (oh < 1 || ow < 1) throw new RangeError(`pool2d: input ${h}x${w} gives no output for a ${kh}x${kw} window`);
  return { n, h, w, c, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw };
}

/** Output shape [n, oh, ow, c]. */
export function pool2dOutputShape(a: Window): [number, number, number, number] {
  const g = pool2dGeometry(a);
  return [g.n, g.oh, g.ow, g.c];
}

export const pool2d = declareOp({
  name: 'pool2d',
  outputs: ['out'],
  check(a: Pool2dArgs<Sized>): void {
    if (a.mode !== 'max' && a.mode !== 'avg') throw new RangeError(`pool2d: mode must be "max" or "avg", got ${JSON.stringify(a.mode)}`);
    const g = pool2dGeometry(a);
    if (a.mode === 'avg' && (g.dh !== 1 || g.dw !== 1)) throw new RangeError('pool2d: average pooling has no dilation (torch avg_pool2d)');
    checkLength('pool2d', 'x', a.x, g.n * g.h * g.w * g.c);
    checkLength('pool2d', 'out', a.out, g.n * g.oh * g.ow * g.c);
  },
  reference(a: Pool2dArgs<Float32Array>): void {
    const g = pool2dGeometry(a);
    const includePad = a.countIncludePad ?? true;
    const at = (b: number, y: number, x: number, ch: number): number => a.x[((b * g.h + y) * g.w + x) * g.c + ch];
    for (let b = 0; b < g.n; b++) {
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          const y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
          for (let ch = 0; ch < g.c; ch++) {
            let v: number;
            if (a.mode === 'max') {
              v = -Infinity;
              for (let ky = 0; ky < g.kh; ky++) {
                const y = y0 + ky * g.dh;
                if (y < 0 || y >= g.h) continue;
                for (let kx = 0; kx < g.kw; kx++) {
                  const x = x0 + kx * g.dw;
                  if (x < 0 || x >= g.w) continue;
                  const t = at(b, y, x, ch);
                  if (!Number.isNaN(v) && (t > v || Number.isNaN(t))) v = t;
                }
              }
            } else {
              const y1 = Math.min(y0 + g.kh, g.h + g.ph), x1 = Math.min(x0 + g.kw, g.w + g.pw);
              const poolSize = (y1 - y0) * (x1 - x0);
              const ya = Math.max(y0, 0), xa = Math.max(x0, 0), yb = Math.min(y1, g.h), xb = Math.min(x1, g.w);
              let s = 0;
              for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) s += at(b, y, x, ch);
              v = s / (includePad ? poolSize : (yb - ya) * (xb - xa));
            }
            a.out[((b * g.oh + oy) * g.ow + ox) * g.c + ch] = v;
          }
        }
      }
    }
  },
});
