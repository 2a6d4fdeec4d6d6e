import { activationKind, type ActivationKind } from './activation-name.js';
import { activationFormulas } from '../reference/activations.js';

export type { ActivationName } from './activation-name.js';

function map(f: (x: number) => number, x: Float32Array, out: Float32Array): void {
  if (out.length < x.length) throw new RangeError(`activation: out has ${out.length} elements, input ${x.length}`);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
}

function kernel(kind: ActivationKind): (x: Float32Array, out: Float32Array) => void {
  const f = activationFormulas[kind];
  return (x, out) => map(f, x, out);
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)): transformers' "gelu", timm's nn.GELU. `out` may alias `x`. */
export const geluErf = kernel('geluErf');
/** Tanh-approximated GELU: "gelu_new", "gelu_pytorch_tanh", "gelu_fast", timm "gelu_tanh". */
export const geluTanh = kernel('geluTanh');
/** x·sigmoid(1.702·x) (CLIP's quick_gelu). */
export const quickGelu = kernel('quickGelu');
export const relu = kernel('relu');
/** x·sigmoid(x) ("silu", "swish"). */
export const silu = kernel('silu');
export const tanh = kernel('tanh');
export const sigmoid = kernel('sigmoid');

/** Applies the activation named as in a config file (`hidden_act`, timm `act_layer`). `out` may alias `x`. */
export function applyActivation(name: string, x: Float32Array, out: Float32Array): void {
  kernel(activationKind(name))(x, out);
}
