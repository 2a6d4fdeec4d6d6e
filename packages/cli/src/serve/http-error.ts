/**
 * An error with the HTTP status it answers: every protocol (Hugging Face, Open Inference Protocol)
 * sends it as `{"error": "<message>"}`, so a bad request is a 4xx naming the problem, never a crash.
 */

/** Why a request failed, for the errors metric: a bounded set of label values. */
export type ErrorKind =
  | 'bad_request'
  | 'too_large'
  | 'unsupported_media'
  | 'not_found'
  | 'overloaded'
  | 'timeout'
  | 'shutting_down'
  | 'not_ready'
  | 'internal';

export interface HttpErrorOptions {
  /** Extra response headers (e.g. Retry-After on 503, Allow on 405). */
  headers?: Readonly<Record<string, string>>;
  /** Default: derived from the status. */
  kind?: ErrorKind;
  cause?: unknown;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly headers: Readonly<Record<string, string>>;
  readonly kind: ErrorKind;

  constructor(
    readonly status: number,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.headers = options.headers ?? {};
    this.kind = options.kind ?? kindOf(status);
  }
}

function kindOf(status: number): ErrorKind {
  if (status === 404 || status === 405) return 'not_found';
  if (status === 413 || status === 431) return 'too_large';
  if (status === 415) return 'unsupported_media';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 503) return 'overloaded';
  if (status >= 500) return 'internal';
  return 'bad_request';
}

export const badRequest = (message: string, cause?: unknown): HttpError => new HttpError(400, message, { cause });
