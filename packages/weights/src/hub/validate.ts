/**
 * Names that become file-system paths (repo ids, revisions, file names, etags, commit hashes) are
 * validated before use, so nothing a caller or a server says can escape the cache or repo folder.
 */

import { boundedMessage, formatValue } from '../limits/format-value.js';

export class InvalidNameError extends Error {
  override readonly name = 'InvalidNameError';
  readonly code = 'invalid_name' as const;

  constructor(message: string) {
    super(boundedMessage(message));
  }
}

const REPO_PART = /^[\w.-]+$/;

/** huggingface_hub's rules: `name` or `namespace/name`, [A-Za-z0-9_.-], no '--' or '..', ≤ 96 chars. */
export function validateRepoId(id: string): void {
  const parts = id.split('/');
  const bad = (why: string): never => {
    throw new InvalidNameError(`invalid repo id ${formatValue(id)}: ${why}`);
  };
  if (id.length === 0 || id.length > 96) bad('must have 1 to 96 characters');
  if (parts.length > 2) bad("at most one '/' (namespace/name)");
  for (const part of parts) {
    if (!REPO_PART.test(part)) bad('only letters, digits, "-", "_" and "." are allowed in each part');
    if (/^[-.]|[-.]$/.test(part)) bad("a part cannot start or end with '-' or '.'");
  }
  if (id.includes('--') || id.includes('..')) bad("'--' and '..' are forbidden");
  if (id.endsWith('.git')) bad("cannot end with '.git'");
}

/** A relative POSIX path with no empty, '.' or '..' segments, backslashes, colons or control characters. */
export function validateRelativePath(path: string, what = 'file name'): void {
  const bad = (why: string): never => {
    throw new InvalidNameError(`invalid ${what} ${formatValue(path)}: ${why}`);
  };
  if (path.length === 0 || path.length > 1024) bad('must have 1 to 1024 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\:]/.test(path)) bad('control characters, backslashes and colons are not allowed');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') bad("must be relative, without empty, '.' or '..' segments");
  }
}

export function validateFilename(file: string): void {
  validateRelativePath(file, 'file name');
}

/** Branch, tag, `refs/pr/N` or commit hash: it becomes a path under refs/. */
export function validateRevision(revision: string): void {
  validateRelativePath(revision, 'revision');
}

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/** Etags name blob files: only hex-like tokens are accepted from a server. */
export function validateEtag(etag: string): void {
  if (!/^[0-9A-Za-z_-]{1,128}$/.test(etag)) throw new InvalidNameError(`server sent an unusable etag ${formatValue(etag)}`);
}
