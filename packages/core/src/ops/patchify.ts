/**
 * Op `patchify`: the patches of NCHW pixels as rows, the input of a patch embedding (a conv with kernel =
 * stride = patch, run as one GEMM over the rows):
 *   out[(b·gh + gy)·gw + gx, (ci·ph + ky)·pw + kx] = pixels[b, ci, gy·ph + ky, gx·pw + kx]
 * in torch's weight order (ci, ky, kx). A grid smaller than the image drops the remainder (as the strided
 * conv does); a larger one reads zeros past the image (timm's dynamic_img_pad: F.pad on the bottom / right).
 */

import { checkLength, checkShape4, pair } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface PatchifyArgs<A> {
  /** [n, c, h, w]. */
  pixels: A;
  shape: readonly [number, number, number, number];
  patch: readonly [number, number];
  /** Patches per column and row: [gh, gw]. */
  grid: readonly [number, number];
  /** [n·gh·gw, c·ph·pw]. */
  out: A;
}

export const patchify = declareOp({
  name: 'patchify',
  outputs: ['out'],
  check(a: PatchifyArgs<Sized>): void {
    const [n, c, h, w] = checkShape4('patchify', 'pixel shape', a.shape);
    const [ph, pw] = pair('patchify', 'patch', a.patch);
    const [gh, gw] = pair('patchify', 'grid', a.grid);
    if (ph < 1 || pw < 1 || gh < 0 || gw < 0) throw new RangeError(`patchify: patch [${ph},${pw}] must be positive and grid [${gh},${gw}] non-negative`);
    checkLength('patchify', 'pixels', a.pixels, n * c * h * w);
    checkLength('patchify', 'out', a.out, n * gh * gw * c * ph * pw);
  },
  reference(a: PatchifyArgs<Float32Array>): void {
    const [n, c, h, w] = a.shape;
    const [ph, pw] = a.patch;
    const [gh, gw] = a.grid;
    let dst = 0;
    for (let b = 0; b < n; b++)
      for (let gy = 0; gy < gh; gy++)
        for (let gx = 0; gx < gw; gx++)
          for (let ci = 0; ci < c; ci++)
            for (let ky = 0; ky < ph; ky++)
              for (let kx = 0; kx < pw; kx++) {
                const y = gy * ph + ky, x = gx * pw + kx;
                a.out[dst++] = y < h && x < w ? a.pixels[((b * c + ci) * h + y) * w + x] : 0;
              }
  },
});
