import { checkLength, checkShape4 } from './check.js';

/** torch.nn.functional.pixel_shuffle: [n, c·r², h, w] → [n, c, h·r, w·r], out[n, c, y·r + i, x·r + j] = x[n, c·r² + i·r + j, y, x]. */
export function pixelShuffle(x: Float32Array, xShape: readonly number[], factor: number, out: Float32Array): void {
  const [n, cin, h, w] = checkShape4('pixelShuffle', 'input shape', xShape);
  const r = factor;
  if (!Number.isSafeInteger(r) || r < 1 || cin % (r * r) !== 0) {
    throw new RangeError(`pixelShuffle: channels ${cin} must be divisible by factor² = ${r * r}`);
  }
  checkLength('pixelShuffle', 'input', x, n * cin * h * w);
  checkLength('pixelShuffle', 'out', out, n * cin * h * w);
  const c = cin / (r * r);
  const ow = w * r;
  // Each input plane (channel c·r² + i·r + j) scatters to every r-th column of every r-th output row.
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const dstPlane = (b * c + ch) * h * r * ow;
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < r; j++) {
          const src = (b * cin + ch * r * r + i * r + j) * h * w;
          for (let y = 0; y < h; y++) {
            const s = src + y * w;
            const d = dstPlane + (y * r + i) * ow + j;
            for (let xx = 0; xx < w; xx++) out[d + xx * r] = x[s + xx];
          }
        }
      }
    }
  }
}
