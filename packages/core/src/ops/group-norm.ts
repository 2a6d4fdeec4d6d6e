/**
 * Op `groupNorm`: torch's nn.GroupNorm on channels-last maps, x [n, h, w, c] → out (same shape; may be x):
 * the channels split into `groups` consecutive groups, each normalised over its h·w·c/groups values of one
 * sample (biased variance, eps inside the square root), then the per-channel affine weight / bias, then an
 * optional activation (timm's GroupNormAct).
 */

import { activationReference, checkActivationName } from './activation.js';
import type { ActivationName } from './activation-name.js';
import { checkFinite, checkLength, checkShape4 } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface GroupNormArgs<A> {
  /** [n, h, w, c]. */
  x: A;
  shape: readonly [number, number, number, number];
  groups: number;
  /** [c] each, or null (torch's affine=False). */
  weight: A | null;
  bias: A | null;
  eps: number;
  /** [n, h, w, c]; may be x. */
  out: A;
  activation?: ActivationName;
}

/** Checks the call; returns [n, pixels, c, channels per group]. */
export function groupNormSizes(a: Pick<GroupNormArgs<Sized>, 'shape' | 'groups'>): [number, number, number, number] {
  const [n, h, w, c] = checkShape4('groupNorm', 'shape', a.shape, 'N, H, W, C');
  if (!Number.isSafeInteger(a.groups) || a.groups < 1 || c % a.groups !== 0) {
    throw new RangeError(`groupNorm: groups=${a.groups} must be a positive divisor of the ${c} channels`);
  }
  return [n, h * w, c, c / a.groups];
}

export const groupNorm = declareOp({
  name: 'groupNorm',
  outputs: ['out'],
  check(a: GroupNormArgs<Sized>): void {
    const [n, pixels, c] = groupNormSizes(a);
    checkLength('groupNorm', 'x', a.x, n * pixels * c);
    checkLength('groupNorm', 'out', a.out, n * pixels * c);
    if (a.weight) checkLength('groupNorm', 'weight', a.weight, c);
    if (a.bias) checkLength('groupNorm', 'bias', a.bias, c);
    checkFinite('groupNorm', 'eps', a.eps);
    if (a.activation !== undefined) checkActivationName('groupNorm', a.activation);
  },
  /** Per (sample, group): the mean, then the variance of the centred values, in float64; then the affine map and the activation. */
  reference(a: GroupNormArgs<Float32Array>): void {
    const [n, pixels, c, cg] = groupNormSizes(a);
    const count = pixels * cg;
    for (let b = 0; b < n; b++) {
      const base = b * pixels * c;
      for (let g = 0; g < a.groups; g++) {
        const c0 = g * cg;
        let mean = 0;
        for (let p = 0; p < pixels; p++) for (let k = 0; k < cg; k++) mean += a.x[base + p * c + c0 + k];
        mean /= count;
        let variance = 0;
        for (let p = 0; p < pixels; p++) for (let k = 0; k < cg; k++) variance += (a.x[base + p * c + c0 + k] - mean) ** 2;
        const rstd = 1 / Math.sqrt(variance / count + a.eps);
        for (let p = 0; p < pixels; p++) {
          for (let k = 0; k < cg; k++) {
            const i = base + p * c + c0 + k;
            let y = (a.x[i] - mean) * rstd;
            if (a.weight) y *= a.weight[c0 + k];
            if (a.bias) y += a.bias[c0 + k];
            a.out[i] = y;
          }
        }
      }
      if (a.activation) activationReference(a.activation, a.out, a.out, base, base + pixels * c);
    }
  },
});
