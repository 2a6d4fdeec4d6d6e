import { checkLength } from './check.js';
import { maxPool2dParams, type MaxPool2dOptions } from './output-shapes.js';

export { maxPool2dOutputShape, type MaxPool2dOptions } from './output-shapes.js';

/**
 * torch.nn.functional.max_pool2d on NCHW: padding counts as -Infinity, a NaN in a window wins (as torch),
 * ceilMode as torch. Window bounds are clipped once per output row/column instead of per tap.
 */
export function maxPool2d(x: Float32Array, xShape: readonly number[], options: MaxPool2dOptions, out: Float32Array): void {
  const p = maxPool2dParams(xShape, options);
  checkLength('maxPool2d', 'input', x, p.n * p.c * p.h * p.w);
  checkLength('maxPool2d', 'out', out, p.n * p.c * p.oh * p.ow);
  // First valid tap and tap count per output column.
  const x0 = new Int32Array(p.ow);
  const xn = new Int32Array(p.ow);
  for (let ox = 0; ox < p.ow; ox++) {
    let k0 = 0;
    while (k0 < p.kw && ox * p.sw - p.pw + k0 * p.dw < 0) k0++;
    let k1 = p.kw;
    while (k1 > k0 && ox * p.sw - p.pw + (k1 - 1) * p.dw >= p.w) k1--;
    x0[ox] = ox * p.sw - p.pw + k0 * p.dw;
    xn[ox] = k1 - k0;
  }
  for (let nc = 0; nc < p.n * p.c; nc++) {
    const plane = nc * p.h * p.w;
    for (let oy = 0; oy < p.oh; oy++) {
      let ky0 = 0;
      while (ky0 < p.kh && oy * p.sh - p.ph + ky0 * p.dh < 0) ky0++;
      let ky1 = p.kh;
      while (ky1 > ky0 && oy * p.sh - p.ph + (ky1 - 1) * p.dh >= p.h) ky1--;
      const dst = (nc * p.oh + oy) * p.ow;
      for (let ox = 0; ox < p.ow; ox++) {
        let m = -Infinity;
        for (let ky = ky0; ky < ky1; ky++) {
          let i = plane + (oy * p.sh - p.ph + ky * p.dh) * p.w + x0[ox];
          for (let t = 0; t < xn[ox]; t++, i += p.dw) {
            const v = x[i];
            if (!(v <= m)) m = v; // also takes a NaN, which then sticks
            if (m !== m) break;
          }
          if (m !== m) break;
        }
        out[dst + ox] = m;
      }
    }
  }
}
