/**
 * The hash a hub etag promises for a file's bytes: an LFS file's etag is its sha256 (64 hex digits),
 * a regular git file's is its git blob sha1 (40 hex digits: sha1 of "blob <size>\0" + content).
 * Hex digits compare case-insensitively (a server may send them upper-case). Any other etag
 * promises nothing checkable.
 */

import { createHash, type Hash } from 'node:crypto';

export interface ContentHash {
  readonly algorithm: 'sha256' | 'git-sha1';
  update(chunk: Uint8Array): void;
  /** True when the bytes seen match the etag. */
  matches(): boolean;
}

export function contentHashFor(etag: string, size: number): ContentHash | undefined {
  const expected = etag.toLowerCase();
  let hash: Hash;
  let algorithm: ContentHash['algorithm'];
  if (/^[0-9a-f]{64}$/.test(expected)) {
    hash = createHash('sha256');
    algorithm = 'sha256';
  } else if (/^[0-9a-f]{40}$/.test(expected)) {
    hash = createHash('sha1').update(`blob ${size}\0`);
    algorithm = 'git-sha1';
  } else {
    return undefined;
  }
  return {
    algorithm,
    update: (chunk) => void hash.update(chunk),
    matches: () => hash.digest('hex') === expected,
  };
}
