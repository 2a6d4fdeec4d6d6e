/**
 * Op `adaptivePool2d`: torch's adaptive_{avg,max}_pool2d on channels-last maps, x [n, h, w, c] → out
 * [n, outH, outW, c], window i spanning [⌊i·in/out⌋, ⌈(i+1)·in/out⌉); 'avgmax' is timm's 0.5·(avg + max).
 * Global pooling is outSize [1, 1]: timm's SelectAdaptivePool2d, and a ViT's token pooling (the tokens as a
 * [batch, 1, tokens, dim] map, `ldb` apart when prefix tokens are skipped). Means are float64 sums rounded
 * once; a NaN wins the max.
 */

import { checkLength, checkShape4, pair } from './check.js';
import { declareOp, type Sized } from './op.js';

export type AdaptivePoolMode = 'avg' | 'max' | 'avgmax';

export interface AdaptivePool2dArgs<A> {
  /** [n, h, w, c], images `ldb` elements apart (default h·w·c). */
  x: A;
  shape: readonly [number, number, number, number];
  ldb?: number;
  mode: AdaptivePoolMode;
  outSize: readonly [number, number];
  /** [n, outH, outW, c], images `ldo` elements apart (default outH·outW·c); must not overlap x. */
  out: A;
  ldo?: number;
}

export const adaptivePool2d = declareOp({
  name: 'adaptivePool2d',
  outputs: ['out'],
  check(a: AdaptivePool2dArgs<Sized>): void {
    const [n, h, w, c] = checkShape4('adaptivePool2d', 'input shape', a.shape, 'N, H, W, C');
    const [oh, ow] = pair('adaptivePool2d', 'outSize', a.outSize);
    if (oh < 1 || ow < 1) throw new RangeError(`adaptivePool2d: output size ${oh}x${ow} must be positive`);
    if (h * w === 0 && n * c > 0) throw new RangeError(`adaptivePool2d: cannot pool an empty ${h}x${w} map`);
    if (!['avg', 'max', 'avgmax'].includes(a.mode)) throw new RangeError(`adaptivePool2d: mode must be "avg", "max" or "avgmax", got ${JSON.stringify(a.mode)}`);
    const ldb = a.ldb ?? h * w * c, ldo = a.ldo ?? oh * ow * c;
    if (!Number.isSafeInteger(ldb) || ldb < h * w * c) throw new RangeError(`adaptivePool2d: input batch stride ${ldb} is smaller than an image (${h * w * c})`);
    if (!Number.isSafeInteger(ldo) || ldo < oh * ow * c) throw new RangeError(`adaptivePool2d: output batch stride ${ldo} is smaller than an image (${oh * ow * c})`);
    checkLength('adaptivePool2d', 'x', a.x, n === 0 ? 0 : (n - 1) * ldb + h * w * c);
    checkLength('adaptivePool2d', 'out', a.out, n === 0 ? 0 : (n - 1) * ldo + oh * ow * c);
  },
  reference(a: AdaptivePool2dArgs<Float32Array>): void {
    const [n, h, w, c] = a.shape;
    const [oh, ow] = a.outSize;
    const ldb = a.ldb ?? h * w * c, ldo = a.ldo ?? oh * ow * c;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oh; oy++) {
        const y0 = Math.floor((oy * h) / oh), y1 = Math.ceil(((oy + 1) * h) / oh);
        for (let ox = 0; ox < ow; ox++) {
          const x0 = Math.floor((ox * w) / ow), x1 = Math.ceil(((ox + 1) * w) / ow);
          for (let ch = 0; ch < c; ch++) {
            let s = 0;
            let m = -Infinity;
            for (let y = y0; y < y1; y++) {
              for (let x = x0; x < x1; x++) {
                const v = a.x[b * ldb + (y * w + x) * c + ch];
                s += v;
                if (!(v <= m) && !Number.isNaN(m)) m = v;
              }
            }
            const avg = Math.fround(s / ((y1 - y0) * (x1 - x0)));
            a.out[b * ldo + (oy * ow + ox) * c + ch] = a.mode === 'avg' ? avg : a.mode === 'max' ? m : 0.5 * Math.fround(avg + m);
          }
        }
      }
    }
  },
});
