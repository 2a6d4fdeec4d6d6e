/**
 * Receptive fields as rows (im2row), the CPU backends' way to run a convolution as a GEMM:
 *   rows[(b·oh + oy)·ow + ox, (grp, ky, kx, ci)] = x[b, oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw, grp·cg + ci]
 * (zero outside the input). In NHWC a field row is a few contiguous runs of channels, so the gather is mostly
 * copies, and a group's columns are contiguous: group `grp` is the column block at grp·kh·kw·cg.
 */

import type { ConvGeometry } from '../../../ops/conv2d.js';

export function im2rowNhwc(x: Float32Array, g: ConvGeometry, rows: Float32Array, rowStart = 0, rowEnd = g.n * g.oh * g.ow): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, groups } = g;
  const cg = c / groups;
  const width = kh * kw * c;
  // With one group and dw = 1, the kw pixels of a kernel row are one contiguous run of kw·c floats.
  const wholeRows = groups === 1 && dw === 1;
  let dst = rowStart * width;
  for (let row = rowStart; row < rowEnd; row++) {
    const b = Math.floor(row / (oh * ow));
    const oy = Math.floor(row / ow) % oh;
    const ox = row % ow;
    const x0 = ox * sw - g.padLeft;
    for (let grp = 0; grp < groups; grp++) {
      for (let ky = 0; ky < kh; ky++) {
        const y = oy * sh - g.padTop + ky * dh;
        if (y < 0 || y >= h) {
          rows.fill(0, dst, dst + kw * cg);
          dst += kw * cg;
          continue;
        }
        const line = (b * h + y) * w;
        if (wholeRows && x0 >= 0 && x0 + kw <= w) {
          copy(x, (line + x0) * c, rows, dst, kw * c);
          dst += kw * c;
          continue;
        }
        for (let kx = 0; kx < kw; kx++) {
          const xx = x0 + kx * dw;
          if (xx < 0 || xx >= w) rows.fill(0, dst, dst + cg);
          else copy(x, (line + xx) * c + grp * cg, rows, dst, cg);
          dst += cg;
        }
      }
    }
  }
}

function copy(src: Float32Array, s: number, dst: Float32Array, d: number, length: number): void {
  if (length >= 64) {
    dst.set(src.subarray(s, s + length), d);
    return;
  }
  for (let i = 0; i < length; i++) dst[d + i] = src[s + i];
}
