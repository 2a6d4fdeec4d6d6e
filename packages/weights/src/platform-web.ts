/**
 * Browser (and any non-Node) platform module: repos and files over fetch. A checkpoint is read with
 * HTTP range requests, tensor by tensor; there is no local cache beyond the browser's own.
 */

import { HubError } from './hub/errors.js';
import { DEFAULT_ENDPOINT, DEFAULT_REVISION, errorFromResponse, resolveUrl } from './hub/resolve.js';
import { validateFilename, validateRepoId, validateRevision } from './hub/validate.js';
import { MAX_CONFIG_BYTES, parseConfigJson } from './limits/config-bounds.js';
import { fetchLimited, ReadDeadline, readAllLimited } from './limits/limited-read.js';
import { DEFAULT_READ_LIMITS, ReadLimitError, resolveLimits, type ReadLimits } from './limits/read-limits.js';
import { readUrl } from './limits/read-url.js';
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

  /** One request within the read limits; `read` consumes its body under the same deadline. */
  const request = async <T>(file: string, method: 'GET' | 'HEAD', read: (response: Response, deadline: ReadDeadline) => Promise<T>, maxBytes?: number): Promise<T> => {
    validateFilename(file);
    if (options.offline) throw new HubError('offline', `${what(file)}: offline mode is on and this platform has no cache`);
    const deadline = new ReadDeadline(resolveLimits({ ...options.limits, ...(maxBytes === undefined ? {} : { maxBytes }) }, DEFAULT_READ_LIMITS), what(file));
    try {
      let response: Response;
      try {
        // fetch drops Authorization on cross-origin redirects (to the hub's CDN).
        response = await fetchLimited(doFetch, url(file), { method, headers: new URL(url(file)).origin === origin ? headers : {} }, deadline);
      } catch (e) {
        if (e instanceof ReadLimitError) throw e;
        throw new HubError('network', `cannot fetch ${what(file)}: ${(e as Error).message}`, { cause: e });
      }
      return await read(response, deadline);
    } finally {
      deadline.dispose();
    }
  };
  const readText = (file: string): Promise<string> =>
    request(file, 'GET', async (response, deadline) => {
      if (!response.ok) {
        void response.body?.cancel().catch(() => undefined);
        throw errorFromResponse(response, what(file));
      }
      const length = Number(response.headers.get('Content-Length') ?? NaN);
      if (length > MAX_CONFIG_BYTES) {
        void response.body?.cancel().catch(() => undefined);
        throw deadline.tooLarge(length);
      }
      const bytes = response.body ? await readAllLimited(response.body, deadline) : new Uint8Array(0);
      return new TextDecoder().decode(bytes);
    }, MAX_CONFIG_BYTES);

  return {
    id: idOrUrl,
    exists: (file) =>
      request(file, 'HEAD', async (response) => {
        if (response.ok) return true;
        const error = errorFromResponse(response, what(file));
        if (error.code === 'entry_not_found') return false;
        throw error;
      }),
    readText,
    readJson: async <T>(file: string) => parseConfigJson(await readText(file), what(file)) as T,
    open: async (file) => {
      validateFilename(file);
      if (options.offline) throw new HubError('offline', `${what(file)}: offline mode is on and this platform has no cache`);
      return httpRangeSource(url(file), { fetch: doFetch, headers, limits: options.limits });
    },
  };
}

/** Bytes of an http(s) (or any fetchable) URL, within `limits` (default DEFAULT_READ_LIMITS). */
export function readBytes(url: string, limits?: ReadLimits): Promise<Uint8Array> {
  return readUrl(url, limits);
}
