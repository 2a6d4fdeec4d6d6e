import { isActivationName, ACTIVATION_NAMES, type ActivationName, type DeviceArray } from '@purevit/core';
import type { FeedForward } from './feed-forward.js';
import type { Linear } from './linear.js';

/** Resolves a config's activation name, or throws naming it and the supported ones. */
export function activationName(name: string, field = 'hidden_act'): ActivationName {
  if (isActivationName(name)) return name;
  throw new Error(`unsupported ${field} "${name}"; supported: ${ACTIVATION_NAMES.join(', ')}`);
}

/** fc2(act(fc1(x))) with the activation fused into fc1 and the residual add fused into fc2. */
export class Mlp implements FeedForward {
  readonly dim: number;
  readonly hiddenDim: number;

  constructor(
    readonly fc1: Linear, // dim → hiddenDim
    readonly fc2: Linear, // hiddenDim → dim
    readonly activation: ActivationName,
  ) {
    if (fc1.outFeatures !== fc2.inFeatures) {
      throw new RangeError(`Mlp: fc1 gives ${fc1.outFeatures} features, fc2 reads ${fc2.inFeatures}`);
    }
    this.dim = fc1.inFeatures;
    this.hiddenDim = fc1.outFeatures;
  }

  /** out[rows, dim] = fc2(act(fc1(x))) (+ residual); `hidden` is scratch [rows, hiddenDim]. */
  forward(x: DeviceArray, rows: number, out: DeviceArray, hidden: DeviceArray, residual?: DeviceArray): void {
    this.fc1.forward({ x, rows, out: hidden, activation: this.activation });
    this.fc2.forward({ x: hidden, rows, out, residual });
  }
}
