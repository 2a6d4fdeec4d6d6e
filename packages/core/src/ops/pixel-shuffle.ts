/**
 * Op `pixelShuffle`: torch's pixel_shuffle, [n, c·r², h, w] → [n, c, h·r, w·r] with
 * out[b, ch, y·r + i, x·r + j] = x[b, ch·r² + i·r + j, y, x] (the SimMIM decoder's upsampling).
 */

import { checkLength, checkShape4 } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface PixelShuffleArgs<A> {
  /** [n, c·r², h, w]. */
  x: A;
  shape: readonly [number, number, number, number];
  factor: number;
  /** [n, c, h·r, w·r]; must not overlap x. */
  out: A;
}

export const pixelShuffle = declareOp({
  name: 'pixelShuffle',
  outputs: ['out'],
  check(a: PixelShuffleArgs<Sized>): void {
    const [n, cin, h, w] = checkShape4('pixelShuffle', 'input shape', a.shape);
    const r = a.factor;
    if (!Number.isSafeInteger(r) || r < 1 || cin % (r * r) !== 0) {
      throw new RangeError(`pixelShuffle: channels ${cin} must be divisible by factor² = ${r * r}`);
    }
    checkLength('pixelShuffle', 'x', a.x, n * cin * h * w);
    checkLength('pixelShuffle', 'out', a.out, n * cin * h * w);
  },
  reference(a: PixelShuffleArgs<Float32Array>): void {
    const [n, cin, h, w] = a.shape;
    const r = a.factor;
    const c = cin / (r * r);
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < h * r; y++)
          for (let x = 0; x < w * r; x++) {
            const i = y % r, j = x % r;
            a.out[((b * c + ch) * h * r + y) * w * r + x] = a.x[((b * cin + ch * r * r + i * r + j) * h + Math.floor(y / r)) * w + Math.floor(x / r)];
          }
  },
});
