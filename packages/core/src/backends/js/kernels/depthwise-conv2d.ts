/**
 * Op `depthwiseConv2d` on the 'js' backend: one output row at a time, float64 sums over the taps with the
 * channels innermost (contiguous in the input, the [kh, kw, c] weight and the output), then the activation and
 * the residual over the row.
 */

import { activationKind } from '../../../ops/activation-name.js';
import { depthwiseGeometry, type DepthwiseConv2dArgs } from '../../../ops/depthwise-conv2d.js';
import { activationRange } from './activations.js';

export function depthwiseConv2dKernel(a: DepthwiseConv2dArgs<Float32Array>): void {
  const g = depthwiseGeometry(a.shape, a.spec);
  const { c, ow } = g;
  const x = a.x, w = a.weight, bias = a.bias ?? null;
  const rowLength = ow * c;
  const sum = new Float64Array(rowLength);
  const residualRow = a.residual ? new Float32Array(rowLength) : null;
  const kind = a.activation === undefined ? 'identity' : activationKind(a.activation);
  for (let b = 0; b < g.n; b++) {
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        if (bias) for (let ch = 0; ch < c; ch++) sum[ox * c + ch] = bias[ch];
        else sum.fill(0, ox * c, (ox + 1) * c);
      }
      for (let ky = 0; ky < g.kh; ky++) {
        const y = oy * g.sh - g.padTop + ky * g.dh;
        if (y < 0 || y >= g.h) continue;
        const row = (b * g.h + y) * g.w;
        for (let ox = 0; ox < ow; ox++) {
          const dst = ox * c;
          for (let kx = 0; kx < g.kw; kx++) {
            const xx = ox * g.sw - g.padLeft + kx * g.dw;
            if (xx < 0 || xx >= g.w) continue;
            const src = (row + xx) * c, wo = (ky * g.kw + kx) * c;
            for (let ch = 0; ch < c; ch++) sum[dst + ch] += x[src + ch] * w[wo + ch];
          }
        }
      }
      const o = (b * g.oh + oy) * rowLength;
      // the residual row is read before the output row is written: it may be `out` itself
      if (residualRow && a.residual) residualRow.set(a.residual.subarray(o, o + rowLength));
      a.out.set(sum, o);
      activationRange(kind, a.out, a.out, o, o + rowLength);
      if (residualRow) for (let i = 0; i < rowLength; i++) a.out[o + i] += residualRow[i];
    }
  }
}
