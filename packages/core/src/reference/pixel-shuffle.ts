import { checkLength, checkShape4 } from '../kernels/check.js';

/** [n, c*r*r, h, w] → [n, c, h*r, w*r]: out[n, c, y*r + i, x*r + j] = x[n, c*r*r + i*r + j, y, x]. */
export function pixelShuffleReference(x: Float32Array, xShape: readonly number[], factor: number, out: Float32Array): void {
  const [n, cin, h, w] = checkShape4('pixelShuffle', 'input shape', xShape);
  const r = factor;
  if (!Number.isSafeInteger(r) || r < 1 || cin % (r * r) !== 0) {
    throw new RangeError(`pixelShuffle: channels ${cin} must be divisible by factor² = ${r * r}`);
  }
  const c = cin / (r * r);
  checkLength('pixelShuffle', 'input', x, n * cin * h * w);
  checkLength('pixelShuffle', 'out', out, n * cin * h * w);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h * r; y++)
        for (let xx = 0; xx < w * r; xx++) {
          const src = ((b * cin + ch * r * r + (y % r) * r + (xx % r)) * h + Math.floor(y / r)) * w + Math.floor(xx / r);
          out[((b * c + ch) * h * r + y) * w * r + xx] = x[src];
        }
}
