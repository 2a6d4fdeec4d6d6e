import { activationKind, type ActivationKind } from '../kernels/activation-name.js';
import { erfReference } from './erf.js';

/** Naive elementwise activations in float64, the formulas as transformers / torch write them. */

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const activationFormulas: Record<ActivationKind, (x: number) => number> = {
  geluErf: (x) => 0.5 * x * (1 + erfReference(x / Math.SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
  gelu10: (x) => Math.min(10, Math.max(-10, 0.5 * x * (1 + erfReference(x / Math.SQRT2)))),
  quickGelu: (x) => x / (1 + Math.exp(-1.702 * x)),
  relu: (x) => (x < 0 ? 0 : x),
  relu2: (x) => (x < 0 ? 0 : x * x),
  relu6: (x) => (x < 0 ? 0 : x > 6 ? 6 : x),
  leakyRelu: (x) => (x < 0 ? 0.01 * x : x),
  silu: (x) => x / (1 + Math.exp(-x)),
  mish: (x) => x * Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x))),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  identity: (x) => x,
};

function map(f: (x: number) => number, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
}

export const geluErfReference = (x: Float32Array, out: Float32Array): void => map(activationFormulas.geluErf, x, out);
export const geluTanhReference = (x: Float32Array, out: Float32Array): void => map(activationFormulas.geluTanh, x, out);
export const quickGeluReference = (x: Float32Array, out: Float32Array): void => map(activationFormulas.quickGelu, x, out);
export const reluReference = (x: Float32Array, out: Float32Array): void => map(activationFormulas.relu, x, out);
export const siluReference = (x: Float32Array, out: Float32Array): void => map(activationFormulas.silu, x, out);
export const tanhReference = (x: Float32Array, out: Float32Array): void => map(activationFormulas.tanh, x, out);
export const sigmoidReference = (x: Float32Array, out: Float32Array): void => map(activationFormulas.sigmoid, x, out);

/** `applyActivation` by the book: one formula per element. */
export function applyActivationReference(name: string, x: Float32Array, out: Float32Array): void {
  map(activationFormulas[activationKind(name)], x, out);
}
