/** Errors of hub access, named after huggingface_hub's (RepositoryNotFound, EntryNotFound, …). */

import { boundedMessage } from '../limits/format-value.js';

export type HubErrorCode =
  | 'offline' // offline mode and the file is not cached
  | 'entry_not_found'
  | 'repo_not_found'
  | 'revision_not_found'
  | 'gated'
  | 'unauthorized'
  | 'forbidden'
  | 'http_error'
  | 'network' // no answer at all
  | 'bad_metadata' // no X-Repo-Commit / ETag / size: not a hub endpoint, or a proxy in the way
  | 'download_failed'; // connection cut, size or hash mismatch

export class HubError extends Error {
  override readonly name = 'HubError';
  readonly code: HubErrorCode;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** X-Repo-Commit of the error answer, when the server sent one (e.g. with EntryNotFound). */
  readonly commit: string | undefined;

  constructor(code: HubErrorCode, message: string, options?: { status?: number; commit?: string; cause?: unknown }) {
    super(boundedMessage(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
    this.commit = options?.commit;
  }
}
