import { gemmAccumulate, packedLength, packTransposed } from './gemm.js';
import { patchEmbedParams } from './output-shapes.js';

let weightScratch = new Float32Array(0);
let patchScratch = new Float32Array(0);

/**
 * Patch embedding (conv with kernel == stride, no padding), token-major: out[n, gh·gw, o]; the right and
 * bottom remainders that do not fill a patch are dropped. Each image's patches are copied into rows
 * [gh·gw, c·ph·pw] (im2row) and multiplied by the packed weight, bias first.
 */
export function patchEmbed(
  x: Float32Array, // [n, c, h, w]
  xShape: readonly number[],
  weight: Float32Array, // [o, c, ph, pw]
  bias: Float32Array | null, // [o]
  patch: number | readonly [number, number],
  out: Float32Array, // [n, gh * gw, o]
): void {
  const { n, c, h, w, ph, pw, o, gh, gw } = patchEmbedParams(x, xShape, weight, bias, patch, out);
  const kk = c * ph * pw;
  const tokens = gh * gw;
  const plen = packedLength(kk, o);
  if (weightScratch.length < plen) weightScratch = new Float32Array(plen);
  packTransposed(weight, o, kk, weightScratch);
  if (patchScratch.length < tokens * kk) patchScratch = new Float32Array(tokens * kk);
  const rows = patchScratch;
  for (let b = 0; b < n; b++) {
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++) {
        let dst = (gy * gw + gx) * kk;
        for (let ci = 0; ci < c; ci++) {
          for (let ky = 0; ky < ph; ky++) {
            const src = ((b * c + ci) * h + gy * ph + ky) * w + gx * pw;
            for (let kx = 0; kx < pw; kx++) rows[dst++] = x[src + kx];
          }
        }
      }
    }
    const o0 = b * tokens * o;
    for (let t = 0; t < tokens; t++) {
      if (bias) out.set(bias, o0 + t * o);
      else out.fill(0, o0 + t * o, o0 + (t + 1) * o);
    }
    gemmAccumulate(rows, 0, kk, 0, tokens, kk, weightScratch, o, out, o0, o);
  }
}
