import { checkLength, checkShape4, pair } from '../kernels/check.js';

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
  const [n, c, h, w] = checkShape4('patchEmbed', 'input shape', xShape);
  const [ph, pw] = pair('patchEmbed', 'patch', patch);
  const kernel = c * ph * pw;
  const o = weight.length / kernel;
  if (!Number.isInteger(o) || o < 1) throw new RangeError(`patchEmbed: weight has ${weight.length} elements, not a multiple of c*ph*pw = ${kernel}`);
  const gh = Math.floor(h / ph);
  const gw = Math.floor(w / pw);
  checkLength('patchEmbed', 'input', x, n * c * h * w);
  if (bias) checkLength('patchEmbed', 'bias', bias, o);
  checkLength('patchEmbed', 'out', out, n * gh * gw * o);
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
