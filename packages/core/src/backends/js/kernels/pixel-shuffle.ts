import type { PixelShuffleArgs } from '../../../ops/pixel-shuffle.js';

/** Op `pixelShuffle` on the 'js' backend: each input plane scattered to every r-th pixel of its output plane. */
export function pixelShuffleKernel(a: PixelShuffleArgs<Float32Array>): void {
  const { x, out } = a;
  const [n, cin, h, w] = a.shape;
  const r = a.factor;
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
