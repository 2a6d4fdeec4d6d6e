/** Errors about checkpoints as a whole: missing or mis-shaped tensors, absent or broken indexes. */

import { boundedMessage } from './limits/format-value.js';

export type WeightErrorCode =
  | 'missing_tensor'
  | 'shape_mismatch'
  | 'duplicate_tensor'
  | 'no_checkpoint'
  | 'invalid_index'
  | 'invalid_entry';

export class WeightError extends Error {
  override readonly name = 'WeightError';
  readonly code: WeightErrorCode;
  /** The full checkpoint key the problem is about, when there is one. */
  readonly key: string | undefined;

  constructor(code: WeightErrorCode, message: string, key?: string, options?: { cause?: unknown }) {
    super(boundedMessage(message), options);
    this.code = code;
    this.key = key;
  }
}
