import { checkConv2dBuffers, conv2dParams, type Conv2dOptions } from '../kernels/output-shapes.js';

/** Direct NCHW convolution with zero padding, float64 accumulation; torch.nn.functional.conv2d. */
export function conv2dReference(
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
  for (let n = 0; n < p.n; n++) {
    for (let o = 0; o < p.o; o++) {
      const g = Math.floor(o / og);
      for (let oy = 0; oy < p.oh; oy++) {
        for (let ox = 0; ox < p.ow; ox++) {
          let s = bias ? bias[o] : 0;
          for (let ci = 0; ci < cg; ci++) {
            const c = g * cg + ci;
            for (let ky = 0; ky < p.kh; ky++) {
              const y = oy * p.sh - p.ph + ky * p.dh;
              if (y < 0 || y >= p.h) continue;
              for (let kx = 0; kx < p.kw; kx++) {
                const xx = ox * p.sw - p.pw + kx * p.dw;
                if (xx < 0 || xx >= p.w) continue;
                s += x[((n * p.c + c) * p.h + y) * p.w + xx] * weight[((o * cg + ci) * p.kh + ky) * p.kw + kx];
              }
            }
          }
          out[((n * p.o + o) * p.oh + oy) * p.ow + ox] = s;
        }
      }
    }
  }
}
