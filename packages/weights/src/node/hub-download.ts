/**
 * Downloads one blob into the hub cache, safely under concurrency and interruption:
 * - one process downloads while the others wait on the blob's lock file (blob-lock.ts);
 * - bytes stream into `<etag>.<random>.incomplete`, under the read limits (idle and total timeouts,
 *   and exactly the announced size), hashed on the way (sha256 for LFS etags, the git blob sha1 for
 *   others, case-insensitive) and checked before publication;
 * - publication is a hard link that fails if the blob exists: a blob another process may be
 *   reading is never replaced (a rename over it would swap the file under its readers);
 * - the partial file of a killed download is resumed with a Range request by the next download
 *   holding the lock, and any other leftover partial of that blob is removed.
 */

import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HubError } from '../hub/errors.js';
import { errorFromResponse, hubHeaders, redirectTarget } from '../hub/resolve.js';
import { formatValue } from '../limits/format-value.js';
import { fetchLimited, pumpLimited, ReadDeadline } from '../limits/limited-read.js';
import { DEFAULT_DOWNLOAD_LIMITS, ReadLimitError, resolveLimits, type ReadLimits } from '../limits/read-limits.js';
import type { DownloadProgress } from '../platform.js';
import { withBlobLock, type BlobLockOptions } from './blob-lock.js';
import { contentHashFor, type ContentHash } from './content-hash.js';

export interface BlobDownload {
  url: string;
  /** Destination: blobs/<etag>. */
  path: string;
  etag: string;
  expectedSize: number;
  /** The blob's lock file (.locks/<repo folder>/<etag>.lock); default next to the blob. */
  lockPath?: string;
  token?: string;
  /** The only origin the token is sent to (the hub's); a CDN gets a signed URL instead. */
  tokenOrigin?: string;
  file: string;
  what: string;
  fetch?: typeof fetch;
  onProgress?: (progress: DownloadProgress) => void;
  /** Idle and total timeouts of the download (the size limit is the announced size). */
  limits?: ReadLimits;
  lock?: BlobLockOptions;
}

const inFlight = new Map<string, Promise<void>>();
const PARTIAL = /^\.[0-9a-f]{8,16}\.incomplete$/;

const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);

/** Downloads unless the blob is already there; concurrent calls in this process share one download. */
export function ensureBlob(download: BlobDownload): Promise<void> {
  const pending = inFlight.get(download.path);
  if (pending) return pending;
  const promise = (async () => {
    if (await isFile(download.path)) return;
    await mkdir(dirname(download.path), { recursive: true });
    await withBlobLock(download.lockPath ?? `${download.path}.lock`, async () => {
      if (!(await isFile(download.path))) await downloadBlob(download, { resume: true });
    }, { ...download.lock, doneElsewhere: () => isFile(download.path) });
  })().finally(() => inFlight.delete(download.path));
  inFlight.set(download.path, promise);
  return promise;
}

/**
 * Downloads the blob and publishes it if absent: without the lock a duplicate download at worst, never
 * a replaced or corrupt blob. `resume` (only for the lock holder: no live download owns the partial
 * files then) first adopts a leftover partial of this blob and removes the others.
 */
export async function downloadBlob(d: BlobDownload, options: { resume?: boolean } = {}): Promise<void> {
  if (contentHashFor(d.etag, d.expectedSize) === undefined) {
    // The hub's etags are hashes (sha256 for LFS files, the git blob sha1 otherwise): another one
    // cannot be checked, and an unchecked file would be trusted from the cache forever.
    throw new HubError('bad_metadata', `${d.what}: its ETag ${formatValue(d.etag)} is neither a sha256 nor a git blob sha1, so the download cannot be verified`);
  }
  await mkdir(dirname(d.path), { recursive: true });
  const temp = `${d.path}.${randomBytes(4).toString('hex')}.incomplete`;
  const resumed = options.resume === true && (await adoptPartial(d, temp));
  const handle = await open(temp, resumed ? 'r+' : 'wx');
  try {
    await fetchInto(d, handle, resumed);
    await handle.close();
    await publish(temp, d);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
}

/**
 * Moves the largest leftover `<etag>.<random>.incomplete` (a killed download's) to `temp` and removes
 * the others; returns whether one was adopted. Only the lock holder calls this, so no live download
 * owns them.
 */
async function adoptPartial(d: BlobDownload, temp: string): Promise<boolean> {
  const prefix = basename(d.path);
  const names = await readdir(dirname(d.path)).catch(() => [] as string[]);
  const partials: { path: string; size: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !PARTIAL.test(name.slice(prefix.length))) continue;
    const path = join(dirname(d.path), name);
    const size = await stat(path).then((s) => (s.isFile() ? s.size : -1), () => -1);
    if (size >= 0) partials.push({ path, size });
  }
  partials.sort((a, b) => b.size - a.size);
  const best = partials.find((p) => p.size > 0 && p.size <= d.expectedSize);
  for (const p of partials) if (p !== best) await rm(p.path, { force: true });
  if (!best) return false;
  try {
    await rename(best.path, temp);
    return true;
  } catch {
    return false;
  }
}

async function fetchInto(d: BlobDownload, handle: FileHandle, resumed: boolean): Promise<void> {
  const deadline = new ReadDeadline(resolveLimits({ ...d.limits, maxBytes: d.expectedSize }, DEFAULT_DOWNLOAD_LIMITS), d.what);
  try {
    let offset = resumed ? (await handle.stat()).size : 0;
    let response = await getFollowingRedirects(d, deadline, offset);
    if (offset > 0 && (response.status !== 206 || contentRangeStart(response) !== offset)) {
      // The server ignored the Range (200) or answered another one: start over.
      if (response.status === 206) {
        await response.body?.cancel();
        response = await getFollowingRedirects(d, deadline, 0);
      }
      offset = 0;
    }
    if (offset === 0) await handle.truncate(0);
    const hash = contentHashFor(d.etag, d.expectedSize);
    if (offset > 0 && hash) await hashPrefix(handle, offset, hash);
    const reader = response.body;
    if (!reader) throw new HubError('download_failed', `empty response body for ${d.what}`);
    d.onProgress?.({ file: d.file, loaded: offset, total: d.expectedSize });
    let position = offset;
    try {
      await pumpLimited(reader, deadline, async (chunk) => {
        hash?.update(chunk);
        await writeAll(handle, chunk, position);
        position += chunk.byteLength;
        d.onProgress?.({ file: d.file, loaded: position, total: d.expectedSize });
      }, d.expectedSize - offset);
    } catch (e) {
      if (e instanceof ReadLimitError && e.code === 'too_large') {
        throw new HubError('download_failed', `${d.what}: server sent more than the announced ${d.expectedSize} bytes`, { cause: e });
      }
      if (e instanceof ReadLimitError || e instanceof HubError) throw e;
      throw new HubError('download_failed', `connection lost after ${position} of ${d.expectedSize} bytes of ${d.what}`, { cause: e });
    }
    if (position !== d.expectedSize) throw new HubError('download_failed', `${d.what}: got ${position} bytes, expected ${d.expectedSize}`);
    if (hash && !hash.matches()) {
      throw new HubError('download_failed', `${d.what}: content does not match its ${hash.algorithm === 'sha256' ? 'sha256' : 'git blob sha1'} ${d.etag}`);
    }
  } finally {
    deadline.dispose();
  }
}

async function hashPrefix(handle: FileHandle, length: number, hash: ContentHash): Promise<void> {
  const buffer = new Uint8Array(Math.min(length, 1 << 20));
  for (let done = 0; done < length; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.byteLength, length - done), done);
    if (bytesRead === 0) throw new HubError('download_failed', 'partial download shrank while resuming');
    hash.update(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

/** Publishes `temp` as the blob unless one is there already; `temp` is removed either way. */
async function publish(temp: string, d: BlobDownload): Promise<void> {
  try {
    await link(temp, d.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      // Another process published the same content first: keep its file, readers may have it open.
    } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV' || code === 'ENOSYS') {
      // No hard links on this file system: rename, but only if the blob is still absent.
      if (!(await isFile(d.path))) await rename(temp, d.path);
    } else if (code === 'ENOENT' && (await isFile(d.path))) {
      // Our partial was taken over (a lock wrongly judged abandoned) by a download that has published it.
    } else if (code === 'ENOENT') {
      throw new HubError('download_failed', `${d.what}: the partial download was taken over by another process; try again`, { cause: e });
    } else {
      throw e;
    }
  }
  await rm(temp, { force: true });
}

function contentRangeStart(response: Response): number | undefined {
  const m = /^bytes (\d+)-/.exec(response.headers.get('Content-Range') ?? '');
  return m ? Number(m[1]) : undefined;
}

async function getFollowingRedirects(d: BlobDownload, deadline: ReadDeadline, offset: number): Promise<Response> {
  const doFetch = d.fetch ?? fetch;
  const origin = d.tokenOrigin ?? new URL(d.url).origin;
  const range: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  let url = d.url;
  for (let hops = 0; hops < 10; hops++) {
    const sameOrigin = new URL(url).origin === origin;
    let response: Response;
    try {
      response = await fetchLimited(doFetch, url, { redirect: 'manual', headers: hubHeaders(sameOrigin ? d.token : undefined, range) }, deadline);
    } catch (e) {
      if (e instanceof ReadLimitError) throw e;
      throw new HubError('network', `cannot download ${d.what} from ${url}: ${(e as Error).message}`, { cause: e });
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('Location');
      await response.body?.cancel();
      if (location === null) throw new HubError('http_error', `redirect without Location for ${d.what}`, { status: response.status });
      url = redirectTarget(location, url, d.what);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      if (offset > 0 && response.status === 416) return getFollowingRedirects(d, deadline, 0);
      throw errorFromResponse(response, d.what);
    }
    return response;
  }
  throw new HubError('http_error', `too many redirects for ${d.what}`);
}
