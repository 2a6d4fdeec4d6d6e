/**
 * Op `layerNorm`: torch's affine LayerNorm over the last `dim` values, on strided rows. Row r holds
 * `segments` consecutive vectors of `dim` values, each normalised on its own with the same weight and bias:
 *   x(r, s, j) = x[r·ldx + s·dim + j],  out(r, s, j) = out[r·ldo + s·dim + j].
 * segments = 1 is a plain LayerNorm over [rows, dim]; timm's qk-norm is one call over the q (or k) part of
 * the fused qkv rows (segments = heads, dim = headDim, ldx = 3·hidden); LayerNorm2d over channels of an
 * NHWC map is rows = pixels. `out` may be `x` (same strides).
 */

import { checkFinite, checkLength, checkMatrix, checkPositive, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface LayerNormArgs<A> {
  x: A;
  out: A;
  rows: number;
  dim: number;
  /** Vectors per row (default 1). */
  segments?: number;
  /** Row strides in elements (default segments·dim). */
  ldx?: number;
  ldo?: number;
  /** [dim] each, or null (torch's elementwise_affine=False). */
  weight: A | null;
  bias: A | null;
  eps: number;
}

export const layerNorm = declareOp({
  name: 'layerNorm',
  outputs: ['out'],
  check(a: LayerNormArgs<Sized>): void {
    checkSize('layerNorm', 'rows', a.rows);
    checkSize('layerNorm', 'dim', a.dim);
    const segments = a.segments ?? 1;
    checkPositive('layerNorm', 'segments', segments);
    const width = segments * a.dim;
    checkMatrix('layerNorm', 'x', a.x, a.rows, width, a.ldx ?? width);
    checkMatrix('layerNorm', 'out', a.out, a.rows, width, a.ldo ?? width);
    if (a.weight) checkLength('layerNorm', 'weight', a.weight, a.dim);
    if (a.bias) checkLength('layerNorm', 'bias', a.bias, a.dim);
    checkFinite('layerNorm', 'eps', a.eps);
  },
  /** The mean, then the variance of the centred values (never E[x²] − E[x]²), in float64. */
  reference(a: LayerNormArgs<Float32Array>): void {
    const { dim, weight, bias, eps } = a;
    const segments = a.segments ?? 1;
    const ldx = a.ldx ?? segments * dim, ldo = a.ldo ?? segments * dim;
    for (let r = 0; r < a.rows; r++) {
      for (let s = 0; s < segments; s++) {
        const xo = r * ldx + s * dim, oo = r * ldo + s * dim;
        let mean = 0;
        for (let i = 0; i < dim; i++) mean += a.x[xo + i];
        mean /= dim;
        let variance = 0;
        for (let i = 0; i < dim; i++) variance += (a.x[xo + i] - mean) ** 2;
        variance /= dim;
        const rstd = 1 / Math.sqrt(variance + eps);
        for (let i = 0; i < dim; i++) {
          const y = (a.x[xo + i] - mean) * rstd;
          a.out[oo + i] = y * (weight ? weight[i] : 1) + (bias ? bias[i] : 0);
        }
      }
    }
  },
});
