import { erfcTail, erfSmall } from '../../../host/erf.js';
import { expf } from '../../../host/exp.js';
import type { ActivationArgs } from '../../../ops/activation.js';
import { activationKind, type ActivationKind } from '../../../ops/activation-name.js';

/**
 * Elementwise activations: one tight loop each over [start, end), float32 in, float64 math, float32 out.
 * Every exp goes through `expf`; the exact GELU uses erfc for |x/√2| >= 1 so 0.5·x·(1 + erf) loses
 * nothing to cancellation on the negative side.
 */

const SQRT1_2 = Math.SQRT1_2;
const TWO_SQRT_2_OVER_PI = 2 * Math.sqrt(2 / Math.PI);

function geluErfRange(x: Float32Array, out: Float32Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const v = x[i];
    const z = v * SQRT1_2;
    if (z > -1 && z < 1) {
      out[i] = 0.5 * v * (1 + erfSmall(z));
    } else if (z >= 1) {
      out[i] = v * (1 - 0.5 * erfcTail(z));
    } else {
      out[i] = 0.5 * v * erfcTail(-z); // NaN falls through to here and stays NaN
    }
  }
}

/** 0.5·x·(1 + tanh(y)) = x·sigmoid(2y), y = √(2/π)·(x + 0.044715·x³): one exp, no cancellation. */
function geluTanhRange(x: Float32Array, out: Float32Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const v = x[i];
    out[i] = v / (1 + expf(-TWO_SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
  }
}

function sigmoidScaledRange(x: Float32Array, out: Float32Array, start: number, end: number, alpha: number, timesX: boolean): void {
  if (timesX) for (let i = start; i < end; i++) out[i] = x[i] / (1 + expf(-alpha * x[i]));
  else for (let i = start; i < end; i++) out[i] = 1 / (1 + expf(-alpha * x[i]));
}

function reluRange(x: Float32Array, out: Float32Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const v = x[i];
    out[i] = v < 0 ? 0 : v;
  }
}

/** Applies activation `kind` to x[start..end) into out[start..end); `out` may be `x`. */
export function activationRange(kind: ActivationKind, x: Float32Array, out: Float32Array, start: number, end: number): void {
  switch (kind) {
    case 'geluErf':
      return geluErfRange(x, out, start, end);
    case 'geluTanh':
      return geluTanhRange(x, out, start, end);
    case 'quickGelu':
      return sigmoidScaledRange(x, out, start, end, 1.702, true);
    case 'silu':
      return sigmoidScaledRange(x, out, start, end, 1, true);
    case 'sigmoid':
      return sigmoidScaledRange(x, out, start, end, 1, false);
    case 'relu':
      return reluRange(x, out, start, end);
    case 'gelu10':
      geluErfRange(x, out, start, end);
      for (let i = start; i < end; i++) out[i] = Math.min(10, Math.max(-10, out[i]));
      return;
    case 'relu2':
      for (let i = start; i < end; i++) out[i] = x[i] < 0 ? 0 : x[i] * x[i];
      return;
    case 'relu6':
      for (let i = start; i < end; i++) out[i] = x[i] < 0 ? 0 : x[i] > 6 ? 6 : x[i];
      return;
    case 'leakyRelu':
      for (let i = start; i < end; i++) out[i] = x[i] < 0 ? 0.01 * x[i] : x[i];
      return;
    case 'mish':
      for (let i = start; i < end; i++) {
        const v = x[i];
        out[i] = v * Math.tanh(v > 20 ? v : Math.log1p(expf(v)));
      }
      return;
    case 'hardSigmoid':
      for (let i = start; i < end; i++) out[i] = Math.min(Math.max(x[i] + 3, 0), 6) / 6;
      return;
    case 'hardSwish':
      for (let i = start; i < end; i++) out[i] = (x[i] * Math.min(Math.max(x[i] + 3, 0), 6)) / 6;
      return;
    case 'tanh':
      for (let i = start; i < end; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'identity':
      if (out !== x) out.set(x.subarray(start, end), start);
      return;
  }
}

/** Op `activation` on the 'js' backend. */
export function activationKernel(a: ActivationArgs<Float32Array>): void {
  activationRange(activationKind(a.activation), a.x, a.out, 0, a.x.length);
}
