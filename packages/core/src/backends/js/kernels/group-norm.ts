/**
 * Op `groupNorm` on the 'js' backend: per sample, sweeps over the pixels with the channels innermost
 * (contiguous in NHWC): per-channel float64 sums, reduced to each group's mean; then the per-channel sums of
 * squared deviations, reduced to each group's variance; then one pass writing (x − mean)·rstd·w + b, and the
 * activation over the sample.
 */

import { activationKind } from '../../../ops/activation-name.js';
import { groupNormSizes, type GroupNormArgs } from '../../../ops/group-norm.js';
import { activationRange } from './activations.js';

export function groupNormKernel(a: GroupNormArgs<Float32Array>): void {
  const [n, pixels, c, cg] = groupNormSizes(a);
  const { x, out, weight, bias } = a;
  const sums = new Float64Array(c), mean = new Float64Array(c), rstd = new Float64Array(c);
  const count = pixels * cg;
  const kind = a.activation === undefined ? null : activationKind(a.activation);
  // the per-channel sums reduced to their group's value, written back to every channel of the group
  const perGroup = (target: Float64Array, f: (sum: number) => number): void => {
    for (let g = 0; g < c; g += cg) {
      let s = 0;
      for (let k = g; k < g + cg; k++) s += sums[k];
      target.fill(f(s), g, g + cg);
    }
  };
  for (let b = 0; b < n; b++) {
    const base = b * pixels * c;
    sums.fill(0);
    for (let p = 0, i = base; p < pixels; p++) for (let ch = 0; ch < c; ch++, i++) sums[ch] += x[i];
    perGroup(mean, (s) => s / count);
    sums.fill(0);
    for (let p = 0, i = base; p < pixels; p++) {
      for (let ch = 0; ch < c; ch++, i++) {
        const d = x[i] - mean[ch];
        sums[ch] += d * d;
      }
    }
    perGroup(rstd, (s) => 1 / Math.sqrt(s / count + a.eps));
    for (let p = 0, i = base; p < pixels; p++) {
      for (let ch = 0; ch < c; ch++, i++) {
        let y = (x[i] - mean[ch]) * rstd[ch];
        if (weight) y *= weight[ch];
        if (bias) y += bias[ch];
        out[i] = y;
      }
    }
    if (kind) activationRange(kind, out, out, base, base + pixels * c);
  }
}
