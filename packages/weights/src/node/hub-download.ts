/**
 * Downloads one blob into the hub cache: streamed into a uniquely named `<etag>.<random>.incomplete`
 * file next to its destination, checked (size; sha256 where the etag is one) and renamed into
 * place. An interrupted download never leaves a file under the blob's own name, and two concurrent
 * downloads of one blob each write their own temporary file, so neither can corrupt the other.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError } from '../hub/errors.js';
import { errorFromResponse, hubHeaders } from '../hub/resolve.js';
import type { DownloadProgress } from '../platform.js';

export interface BlobDownload {
  url: string;
  /** Destination: blobs/<etag>. */
  path: string;
  etag: string;
  expectedSize: number;
  token?: string;
  /** The only origin the token is sent to (the hub's); a CDN gets a signed URL instead. */
  tokenOrigin?: string;
  file: string;
  what: string;
  fetch?: typeof fetch;
  onProgress?: (progress: DownloadProgress) => void;
}

const inFlight = new Map<string, Promise<void>>();

/** Downloads unless the blob is already there; concurrent calls in this process share one download. */
export function ensureBlob(download: BlobDownload): Promise<void> {
  const pending = inFlight.get(download.path);
  if (pending) return pending;
  const promise = (async () => {
    if (await stat(download.path).then((s) => s.isFile(), () => false)) return;
    await downloadBlob(download);
  })().finally(() => inFlight.delete(download.path));
  inFlight.set(download.path, promise);
  return promise;
}

export async function downloadBlob(d: BlobDownload): Promise<void> {
  const response = await getFollowingRedirects(d);
  await mkdir(dirname(d.path), { recursive: true });
  const temp = `${d.path}.${randomBytes(4).toString('hex')}.incomplete`;
  const handle = await open(temp, 'wx');
  const sha256 = /^[0-9a-f]{64}$/.test(d.etag) ? createHash('sha256') : undefined;
  let loaded = 0;
  try {
    const reader = response.body?.getReader();
    if (!reader) throw new HubError('download_failed', `empty response body for ${d.what}`);
    d.onProgress?.({ file: d.file, loaded: 0, total: d.expectedSize });
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new HubError('download_failed', `connection lost after ${loaded} of ${d.expectedSize} bytes of ${d.what}`, { cause: e });
      }
      if (chunk.done) break;
      loaded += chunk.value.byteLength;
      if (loaded > d.expectedSize) throw new HubError('download_failed', `${d.what}: server sent more than the announced ${d.expectedSize} bytes`);
      sha256?.update(chunk.value);
      await handle.write(chunk.value);
      d.onProgress?.({ file: d.file, loaded, total: d.expectedSize });
    }
    if (loaded !== d.expectedSize) throw new HubError('download_failed', `${d.what}: got ${loaded} bytes, expected ${d.expectedSize}`);
    if (sha256 && sha256.digest('hex') !== d.etag) throw new HubError('download_failed', `${d.what}: content does not match its sha256 ${d.etag}`);
    await handle.close();
    await rename(temp, d.path);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
}

async function getFollowingRedirects(d: BlobDownload): Promise<Response> {
  const doFetch = d.fetch ?? fetch;
  const origin = d.tokenOrigin ?? new URL(d.url).origin;
  let url = d.url;
  for (let hops = 0; hops < 10; hops++) {
    const sameOrigin = new URL(url).origin === origin;
    let response: Response;
    try {
      response = await doFetch(url, { redirect: 'manual', headers: hubHeaders(sameOrigin ? d.token : undefined) });
    } catch (e) {
      throw new HubError('network', `cannot download ${d.what} from ${url}: ${(e as Error).message}`, { cause: e });
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('Location');
      await response.body?.cancel();
      if (location === null) throw new HubError('http_error', `redirect without Location for ${d.what}`, { status: response.status });
      url = new URL(location, url).href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw errorFromResponse(response, d.what);
    }
    return response;
  }
  throw new HubError('http_error', `too many redirects for ${d.what}`);
}
