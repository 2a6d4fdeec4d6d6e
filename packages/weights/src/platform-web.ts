/**
 * Browser (and any non-Node) platform module: repos and files over fetch.
 */

import type { ModelRepo } from './repo.js';
import type { OpenRepoOptions } from './platform.js';
import { bytesSource } from './sources/bytes.js';

export type { DownloadProgress, OpenRepoOptions } from './platform.js';

/** An http(s) URL → the folder at that URL; a hub id → its files on the hub endpoint. */
export async function openRepo(idOrUrl: string, options: OpenRepoOptions = {}): Promise<ModelRepo> {
  const doFetch = options.fetch ?? fetch;
  const base = idOrUrl.replace(/\/+$/, '');
  const url = (file: string): string => `${base}/${file}`;
  const get = async (file: string): Promise<Response> => {
    const response = await doFetch(url(file));
    if (!response.ok) throw new Error(`GET ${url(file)} failed: HTTP ${response.status}`);
    return response;
  };
  return {
    id: idOrUrl,
    exists: async (file) => (await doFetch(url(file), { method: 'HEAD' })).ok,
    readText: async (file) => (await get(file)).text(),
    readJson: async <T>(file: string) => (await (await get(file)).json()) as T,
    open: async (file) => bytesSource(new Uint8Array(await (await get(file)).arrayBuffer())),
  };
}

export async function readBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} failed: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
