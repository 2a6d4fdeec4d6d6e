import { boundedMessage } from '@purevit/weights';

/** What went wrong while decoding: lets callers tell a bad file from an over-large one. */
export type ImageErrorCode =
  | 'unknown_format'
  | 'truncated'
  | 'corrupt'
  | 'unsupported'
  | 'zero_size'
  | 'too_large'
  | 'invalid_input';

/** A decode or input error, naming the format and the problem. */
export class ImageError extends Error {
  readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(boundedMessage(message), options);
    this.name = 'ImageError';
    this.code = code;
  }
}
