import { checkLength } from '../kernels/check.js';
import { maxPool2dParams, type MaxPool2dOptions } from '../kernels/output-shapes.js';

/** torch.nn.functional.max_pool2d: padding counts as -Infinity, NaN wins. */
export function maxPool2dReference(x: Float32Array, xShape: readonly number[], options: MaxPool2dOptions, out: Float32Array): void {
  const p = maxPool2dParams(xShape, options);
  checkLength('maxPool2d', 'input', x, p.n * p.c * p.h * p.w);
  checkLength('maxPool2d', 'out', out, p.n * p.c * p.oh * p.ow);
  for (let nc = 0; nc < p.n * p.c; nc++) {
    for (let oy = 0; oy < p.oh; oy++) {
      for (let ox = 0; ox < p.ow; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < p.kh; ky++) {
          const y = oy * p.sh - p.ph + ky * p.dh;
          if (y < 0 || y >= p.h) continue;
          for (let kx = 0; kx < p.kw; kx++) {
            const xx = ox * p.sw - p.pw + kx * p.dw;
            if (xx < 0 || xx >= p.w) continue;
            const v = x[(nc * p.h + y) * p.w + xx];
            if (v > m || Number.isNaN(v)) m = v;
            if (Number.isNaN(m)) break;
          }
        }
        out[(nc * p.oh + oy) * p.ow + ox] = m;
      }
    }
  }
}
