/**
 * Browser (and any non-Node) platform module: repos and files over fetch. A checkpoint is read with
 * HTTP range requests, tensor by tensor; there is no local cache beyond the browser's own.
 */

import { HubError } from './hub/errors.js';
import { DEFAULT_ENDPOINT, DEFAULT_REVISION, errorFromResponse, resolveUrl } from './hub/resolve.js';
import { validateFilename, validateRepoId, validateRevision } from './hub/validate.js';
import type { OpenRepoOptions } from './platform.js';
import type { ModelRepo } from './repo.js';
import { httpRangeSource } from './sources/http-range.js';

export type { DownloadProgress, OpenRepoOptions } from './platform.js';

/** An http(s) URL → the folder at that URL; otherwise a hub id, read from the hub endpoint. */
export async function openRepo(idOrUrl: string, options: OpenRepoOptions = {}): Promise<ModelRepo> {
  const doFetch = options.fetch ?? fetch;
  let url: (file: string) => string;
  if (/^https?:\/\//i.test(idOrUrl)) {
    const base = idOrUrl.replace(/\/+$/, '');
    url = (file) => `${base}/${file.split('/').map(encodeURIComponent).join('/')}`;
  } else {
    validateRepoId(idOrUrl);
    const revision = options.revision ?? DEFAULT_REVISION;
    validateRevision(revision);
    const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    url = (file) => resolveUrl(endpoint, idOrUrl, revision, file);
  }
  const origin = new URL(url('x')).origin;
  const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  const what = (file: string): string => `${file} of ${idOrUrl}`;

  const request = async (file: string, method: 'GET' | 'HEAD'): Promise<Response> => {
    validateFilename(file);
    if (options.offline) throw new HubError('offline', `${what(file)}: offline mode is on and this platform has no cache`);
    try {
      // fetch drops Authorization on cross-origin redirects (to the hub's CDN).
      return await doFetch(url(file), { method, headers: new URL(url(file)).origin === origin ? headers : {} });
    } catch (e) {
      throw new HubError('network', `cannot fetch ${what(file)}: ${(e as Error).message}`, { cause: e });
    }
  };
  const get = async (file: string): Promise<Response> => {
    const response = await request(file, 'GET');
    if (!response.ok) throw errorFromResponse(response, what(file));
    return response;
  };

  return {
    id: idOrUrl,
    async exists(file) {
      const response = await request(file, 'HEAD');
      if (response.ok) return true;
      const error = errorFromResponse(response, what(file));
      if (error.code === 'entry_not_found') return false;
      throw error;
    },
    readText: async (file) => (await get(file)).text(),
    readJson: async <T>(file: string) => JSON.parse(await (await get(file)).text()) as T,
    open: async (file) => {
      validateFilename(file);
      if (options.offline) throw new HubError('offline', `${what(file)}: offline mode is on and this platform has no cache`);
      return httpRangeSource(url(file), { fetch: doFetch, headers });
    },
  };
}

/** Bytes of an http(s) (or any fetchable) URL. */
export async function readBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw errorFromResponse(response, url);
  return new Uint8Array(await response.arrayBuffer());
}
