/**
 * Node platform module (`@purevit/weights/platform` under the `node` condition): local folders,
 * the shared Hugging Face hub cache, file paths and URLs.
 */

import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadLimits } from './limits/read-limits.js';
import { readUrl } from './limits/read-url.js';
import { hubRepo } from './node/hub-repo.js';
import { localRepo } from './node/local-repo.js';
import { readFileLimited } from './node/read-file-limited.js';
import type { ModelRepo } from './repo.js';
import type { OpenRepoOptions } from './platform.js';

export type { DownloadProgress, OpenRepoOptions } from './platform.js';
export { fileSource } from './node/file-source.js';
export { localRepo } from './node/local-repo.js';
export { writeSafetensorsFile } from './node/file-writer.js';
export { hubRepo, type HubRepo } from './node/hub-repo.js';
export { defaultCacheDir, repoFolderName } from './node/hub-cache.js';
export { HubError, type HubErrorCode } from './hub/errors.js';

/**
 * An existing local folder (path or file: URL) → that folder; otherwise a hub id
 * ("google/vit-base-patch16-224") through the shared Hugging Face cache, downloading missing files.
 */
export async function openRepo(idOrPath: string, options: OpenRepoOptions = {}): Promise<ModelRepo> {
  const dir = idOrPath.startsWith('file:') ? fileURLToPath(idOrPath) : idOrPath;
  if (await isDirectory(dir)) return localRepo(dir, idOrPath);
  if (idOrPath.startsWith('file:') || looksLikePath(idOrPath)) throw new Error(`${idOrPath} is not a folder`);
  return hubRepo(idOrPath, options);
}

function looksLikePath(s: string): boolean {
  return isAbsolute(s) || /^\.{1,2}([/\\]|$)|^~|\\/.test(s);
}

/**
 * Bytes of a file path, file: URL or http(s) URL, within `limits` (default DEFAULT_READ_LIMITS:
 * 256 MiB, 5 minutes in all, 30 s without data): a server that streams forever or stalls, or a
 * device that never ends, is a ReadLimitError naming it.
 */
export async function readBytes(pathOrUrl: string, limits?: ReadLimits): Promise<Uint8Array> {
  if (/^https?:\/\//i.test(pathOrUrl)) return readUrl(pathOrUrl, limits);
  const path = pathOrUrl.startsWith('file:') ? fileURLToPath(pathOrUrl) : pathOrUrl;
  return readFileLimited(path, limits);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
