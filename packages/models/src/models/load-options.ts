import type { Engine } from '@purevit/core';
import type { OpenRepoOptions } from '@purevit/weights';
import type { AttentionImplementation } from '../layers/attention.js';

/** Options of every `fromPretrained` / `fromWeights`: where to find the checkpoint, how to run it. */
export interface LoadOptions extends OpenRepoOptions {
  /** "fused" (default, transformers' "sdpa" analogue) or "eager"; returned attentions and head masks always run eager. */
  attnImplementation?: AttentionImplementation;
  /** The engine that holds the weights and runs the kernels (default: `getDefaultEngine()`). */
  engine?: Engine;
}

/** The attention implementation a model starts with. */
export function resolveAttnImplementation(options: LoadOptions): AttentionImplementation {
  const impl = options.attnImplementation ?? 'fused';
  if (impl !== 'fused' && impl !== 'eager') {
    throw new Error(`attnImplementation must be "eager" or "fused", got ${JSON.stringify(impl)}`);
  }
  return impl;
}
