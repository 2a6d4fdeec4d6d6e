import { patchEmbedParams } from '../kernels/output-shapes.js';

/**
 * Conv2d with kernel == stride and no padding, written token-major: out[n, gy * gw + gx, o].
 * The right and bottom remainder that does not fill a patch is dropped, as a strided conv does.
 */
export function patchEmbedReference(
  x: Float32Array, // [n, c, h, w]
  xShape: readonly number[],
  weight: Float32Array, // [o, c, ph, pw]
  bias: Float32Array | null, // [o]
  patch: number | readonly [number, number],
  out: Float32Array, // [n, gh * gw, o]
): void {
  const { n, c, h, w, ph, pw, o, gh, gw } = patchEmbedParams(x, xShape, weight, bias, patch, out);
  for (let b = 0; b < n; b++) {
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++) {
        for (let oc = 0; oc < o; oc++) {
          let s = bias ? bias[oc] : 0;
          for (let ci = 0; ci < c; ci++) {
            for (let ky = 0; ky < ph; ky++) {
              for (let kx = 0; kx < pw; kx++) {
                s += x[((b * c + ci) * h + gy * ph + ky) * w + gx * pw + kx] * weight[((oc * c + ci) * ph + ky) * pw + kx];
              }
            }
          }
          out[((b * gh + gy) * gw + gx) * o + oc] = s;
        }
      }
    }
  }
}
