/**
 * Op `activation`: out = act(x) elementwise, for any activation name of transformers' `hidden_act` or timm's
 * `act_layer` (see activation-name.ts). The same functions run in the GEMM epilogues (op `linear`, `conv2d`).
 */

import { erfReference } from '../host/erf-reference.js';
import { activationKind, type ActivationKind, type ActivationName } from './activation-name.js';
import { checkLength } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface ActivationArgs<A> {
  x: A;
  /** As long as `x` at least; may be `x` itself. */
  out: A;
  activation: ActivationName;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** The activations in float64, written as transformers / torch write them. */
export const ACTIVATION_FORMULAS: Readonly<Record<ActivationKind, (x: number) => number>> = {
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
  // torch: relu6(x + 3) / 6, and x times it
  hardSigmoid: (x) => Math.min(Math.max(x + 3, 0), 6) / 6,
  hardSwish: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
  identity: (x) => x,
};

/** Applies the named activation by the formula, element by element over out[start, end). */
export function activationReference(name: string, x: Float32Array, out: Float32Array, start = 0, end = x.length): void {
  const f = ACTIVATION_FORMULAS[activationKind(name)];
  for (let i = start; i < end; i++) out[i] = f(x[i]);
}

export function checkActivationName(op: string, name: string): void {
  try {
    activationKind(name);
  } catch (error) {
    throw new RangeError(`${op}: ${(error as Error).message}`);
  }
}

export const activation = declareOp({
  name: 'activation',
  outputs: ['out'],
  check(a: ActivationArgs<Sized>): void {
    checkActivationName('activation', a.activation);
    checkLength('activation', 'out', a.out, a.x.length);
  },
  reference(a: ActivationArgs<Float32Array>): void {
    activationReference(a.activation, a.x, a.out);
  },
});
