/**
 * Node platform module (`@purevit/weights/platform` under the `node` condition): local folders,
 * the shared Hugging Face hub cache, file paths and URLs.
 */

import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { localRepo } from './node/local-repo.js';
import type { ModelRepo } from './repo.js';
import type { OpenRepoOptions } from './platform.js';

export type { DownloadProgress, OpenRepoOptions } from './platform.js';
export { fileSource } from './node/file-source.js';
export { localRepo } from './node/local-repo.js';
export { writeSafetensorsFile } from './node/file-writer.js';

/** A local folder path or file: URL → that folder; anything else → a hub id through the HF cache. */
export async function openRepo(idOrPath: string, options: OpenRepoOptions = {}): Promise<ModelRepo> {
  const dir = idOrPath.startsWith('file:') ? fileURLToPath(idOrPath) : idOrPath;
  if (await isDirectory(dir)) return localRepo(dir, idOrPath);
  if (idOrPath.startsWith('file:')) throw new Error(`${idOrPath} is not a folder`);
  void options;
  throw new Error(`${idOrPath} is not a local folder (hub ids are not supported yet)`);
}

/** Bytes of a file path, file: URL or http(s) URL. */
export async function readBytes(pathOrUrl: string): Promise<Uint8Array> {
  if (/^https?:\/\//i.test(pathOrUrl)) {
    const response = await fetch(pathOrUrl);
    if (!response.ok) throw new Error(`GET ${pathOrUrl} failed: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const path = pathOrUrl.startsWith('file:') ? fileURLToPath(pathOrUrl) : pathOrUrl;
  const data = await readFile(path);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
