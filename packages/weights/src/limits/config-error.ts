/**
 * The error of every config problem: a config.json, preprocessor_config.json or sharded index that is
 * not valid JSON, too large, too deeply nested, or has a field of the wrong type or outside its sane
 * bounds. `code` says which, `field` names the field, `file` the file when known; the message is one
 * line of at most MAX_MESSAGE_LENGTH characters.
 */

import { boundedMessage } from './format-value.js';

export type ConfigErrorCode =
  | 'missing' // a required config file or field is absent
  | 'invalid_json' // not JSON at all, or not the object expected
  | 'too_large' // the file is over the size cap
  | 'too_deep' // nested deeper than the depth cap
  | 'invalid_type' // a field of the wrong type
  | 'out_of_range' // a number outside its bounds (or a size derived from fields)
  | 'inconsistent' // fields that contradict each other
  | 'unsupported'; // a valid value this port does not implement

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  /** The field (`hidden_size`, `model_args.img_size`, …) the problem is about, when there is one. */
  readonly field: string | undefined;

  constructor(code: ConfigErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(boundedMessage(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
  }
}
