/**
 * The last line of defence of every pipeline: a model output that is not finite (NaN or ±Infinity
 * logits, features or attention) is an error naming the image and the likely cause, never scores of
 * null sorted in an arbitrary order. Such outputs come from broken checkpoints (NaN weights) or
 * configs, not from images: every image's pixel values are finite.
 */

import { boundedMessage } from '@purevit/weights';

export class ModelOutputError extends Error {
  override readonly name = 'ModelOutputError';
  readonly code = 'non_finite' as const;

  constructor(message: string) {
    super(boundedMessage(message));
  }
}

/** Throws a ModelOutputError when `values` (the `what` of image `image`) hold NaN or ±Infinity. */
export function checkFinite(values: Float32Array, what: string, image: string): void {
  let bad = 0;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      bad++;
      if (v !== v) nan++;
    }
  }
  if (bad === 0) return;
  const kind = nan === bad ? 'NaN' : nan === 0 ? '±Infinity' : 'NaN or ±Infinity';
  throw new ModelOutputError(
    `${image}: the model's ${what} hold ${kind} (${bad} of ${values.length} values): ` +
      "the checkpoint's weights or its config are broken (e.g. NaN weights, a bad layer_norm_eps)",
  );
}
