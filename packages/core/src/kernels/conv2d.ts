import { gemmAccumulate, GEMM_NR, packedLength, packRowMajor } from './gemm.js';
import { checkConv2dBuffers, conv2dParams, type Conv2dOptions, type Conv2dParams } from './output-shapes.js';

export { conv2dOutputShape, type Conv2dOptions } from './output-shapes.js';

let packScratch = new Float32Array(0);

/**
 * torch.nn.functional.conv2d on NCHW float32 (zero padding, stride, dilation, groups), as a GEMM per image
 * and group: out[og, oh·ow] = W[og, cg·kh·kw] · im2col[cg·kh·kw, oh·ow]. The im2col matrix is written
 * straight into the GEMM's packed panel layout, so it is built once and read contiguously.
 */
export function conv2d(
  x: Float32Array, // [n, c, h, w]
  xShape: readonly number[],
  weight: Float32Array, // [o, c / groups, kh, kw]
  wShape: readonly number[],
  bias: Float32Array | null, // [o]
  out: Float32Array, // [n, o, oh, ow]
  options: Conv2dOptions = {},
): void {
  const p = conv2dParams(xShape, wShape, options);
  checkConv2dBuffers(p, x, weight, bias, out);
  const cg = p.c / p.groups;
  const og = p.o / p.groups;
  const kk = cg * p.kh * p.kw;
  const L = p.oh * p.ow;
  const len = packedLength(kk, L);
  if (packScratch.length < len) packScratch = new Float32Array(len);
  const packed = packScratch;
  const pointwise = p.kh === 1 && p.kw === 1 && p.sh === 1 && p.sw === 1 && p.ph === 0 && p.pw === 0;
  for (let n = 0; n < p.n; n++) {
    for (let g = 0; g < p.groups; g++) {
      const xBase = (n * p.c + g * cg) * p.h * p.w;
      if (pointwise) packRowMajor(x, xBase, L, cg, L, packed);
      else packIm2col(x, xBase, p, cg, packed);
      const o0 = (n * p.o + g * og) * L;
      for (let oc = 0; oc < og; oc++) out.fill(bias ? bias[g * og + oc] : 0, o0 + oc * L, o0 + (oc + 1) * L);
      gemmAccumulate(weight, g * og * kk, kk, 0, og, kk, packed, L, out, o0, L);
    }
  }
}

/** im2col of one image and group, in panel layout: packed[((l >> 2) · kk + r) · 4 + (l & 3)], r = (ci, ky, kx). */
function packIm2col(x: Float32Array, xBase: number, p: Conv2dParams, cg: number, packed: Float32Array): void {
  const kk = cg * p.kh * p.kw;
  const L = p.oh * p.ow;
  const padded = Math.ceil(L / GEMM_NR) * GEMM_NR;
  let r = 0;
  for (let ci = 0; ci < cg; ci++) {
    const plane = xBase + ci * p.h * p.w;
    for (let ky = 0; ky < p.kh; ky++) {
      for (let kx = 0; kx < p.kw; kx++, r++) {
        let l = 0;
        for (let oy = 0; oy < p.oh; oy++) {
          const y = oy * p.sh - p.ph + ky * p.dh;
          const rowOk = y >= 0 && y < p.h;
          const row = plane + y * p.w;
          let xx = kx * p.dw - p.pw;
          for (let ox = 0; ox < p.ow; ox++, l++, xx += p.sw) {
            packed[((l >> 2) * kk + r) * 4 + (l & 3)] = rowOk && xx >= 0 && xx < p.w ? x[row + xx] : 0;
          }
        }
        for (; l < padded; l++) packed[((l >> 2) * kk + r) * 4 + (l & 3)] = 0;
      }
    }
  }
}
