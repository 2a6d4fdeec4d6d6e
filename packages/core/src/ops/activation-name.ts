/**
 * Activation names as checkpoints spell them: transformers' ACT2FN keys (config `hidden_act`) and
 * timm's `act_layer` strings, resolved to one of a few kernels. "gelu" is the exact erf GELU in both.
 */

/** The elementwise functions behind the names. */
export type ActivationKind =
  | 'geluErf' | 'geluTanh' | 'gelu10' | 'quickGelu' | 'relu' | 'relu2' | 'relu6' | 'leakyRelu'
  | 'silu' | 'mish' | 'tanh' | 'sigmoid' | 'hardSigmoid' | 'hardSwish' | 'identity';

const NAMES = {
  // transformers ACT2FN
  gelu: 'geluErf',
  gelu_python: 'geluErf',
  gelu_new: 'geluTanh',
  gelu_pytorch_tanh: 'geluTanh',
  gelu_fast: 'geluTanh',
  gelu_accurate: 'geluTanh',
  gelu_10: 'gelu10',
  quick_gelu: 'quickGelu',
  relu: 'relu',
  relu2: 'relu2',
  relu6: 'relu6',
  leaky_relu: 'leakyRelu',
  silu: 'silu',
  swish: 'silu',
  mish: 'mish',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  linear: 'identity',
  // timm act_layer strings not already above
  gelu_tanh: 'geluTanh',
  identity: 'identity',
  hard_sigmoid: 'hardSigmoid',
  hardsigmoid: 'hardSigmoid',
  hard_swish: 'hardSwish',
  hardswish: 'hardSwish',
} as const satisfies Record<string, ActivationKind>;

/** An activation name accepted by `applyActivation` and the linear epilogue. */
export type ActivationName = keyof typeof NAMES;

/** Every accepted name, for error messages and docs. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze(Object.keys(NAMES) as ActivationName[]);

/** Resolves a name (from a config file, hence `string`) or throws an error listing the supported ones. */
export function activationKind(name: string): ActivationKind {
  if (Object.prototype.hasOwnProperty.call(NAMES, name)) return NAMES[name as ActivationName];
  throw new Error(`unknown activation "${name}"; supported: ${ACTIVATION_NAMES.join(', ')}`);
}

/** True when `name` is a supported activation name. */
export function isActivationName(name: string): name is ActivationName {
  return Object.prototype.hasOwnProperty.call(NAMES, name);
}
