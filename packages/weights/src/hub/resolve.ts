/**
 * The hub's resolve endpoint, `{endpoint}/{repo}/resolve/{revision}/{file}`, and what its answers
 * mean: file metadata from a HEAD request (huggingface_hub's get_hf_file_metadata) and errors from
 * X-Error-Code. Uses only fetch, so it serves Node and browsers alike.
 */

import { clip, formatValue } from '../limits/format-value.js';
import { fetchLimited, ReadDeadline } from '../limits/limited-read.js';
import { DEFAULT_READ_LIMITS, ReadLimitError, resolveLimits, type ReadLimits } from '../limits/read-limits.js';
import { HubError } from './errors.js';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const DEFAULT_REVISION = 'main';

export function resolveUrl(endpoint: string, repoId: string, revision: string, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${repoId}/resolve/${encodeURIComponent(revision)}/${path}`;
}

export interface FileMetadata {
  /** X-Repo-Commit: the commit the revision resolved to. */
  readonly commit: string | undefined;
  /** X-Linked-Etag (LFS: the sha256) or ETag (git blob sha1), without quotes or W/. */
  readonly etag: string | undefined;
  /** X-Linked-Size, else Content-Length of a non-redirect answer. */
  readonly size: number | undefined;
  /** Where to GET the bytes: an absolute redirect target (CDN) or the resolve URL itself. */
  readonly location: string;
}

export interface RequestOptions {
  fetch?: typeof fetch;
  token?: string;
  /** Names the file in error messages, e.g. "config.json of google/vit-base-patch16-224@main". */
  what: string;
  /** Time limits of the request (default: DEFAULT_READ_LIMITS' 30 s idle, 5 min total). */
  limits?: ReadLimits;
}

/** An absolute http(s) URL for a redirect's Location, or a HubError naming the bad one. */
export function redirectTarget(location: string, base: string, what: string): string {
  let target: URL | undefined;
  try {
    target = new URL(location, base);
  } catch {
    target = undefined;
  }
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
    throw new HubError('http_error', `unusable redirect for ${what}: ${formatValue(location)}`);
  }
  return target.href;
}

export function hubHeaders(token: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** `ETag: W/"abc"` → `abc`. */
export function normalizeEtag(etag: string | null): string | undefined {
  if (etag == null) return undefined;
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

/**
 * HEAD on the resolve URL. Relative redirects (renamed repos) are followed; an absolute one (to a
 * CDN) is not: its Location is the download URL, and the X-Linked-* headers describe the file.
 */
export async function fetchFileMetadata(url: string, options: RequestOptions): Promise<FileMetadata> {
  const doFetch = options.fetch ?? fetch;
  const deadline = new ReadDeadline(resolveLimits(options.limits, DEFAULT_READ_LIMITS), options.what);
  try {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      let response: Response;
      try {
        response = await fetchLimited(doFetch, current, { method: 'HEAD', redirect: 'manual', headers: hubHeaders(options.token) }, deadline);
      } catch (e) {
        if (e instanceof ReadLimitError) throw e;
        throw new HubError('network', `cannot reach ${current} for ${options.what}: ${(e as Error).message}`, { cause: e });
      }
      void response.body?.cancel().catch(() => undefined);
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('Location');
        if (location === null) throw new HubError('bad_metadata', `redirect without Location for ${options.what}`, { status: response.status });
        const target = redirectTarget(location, current, options.what);
        if (!/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('//')) {
          current = target;
          continue;
        }
        return metadataOf(response, target);
      }
      if (!response.ok) throw errorFromResponse(response, options.what);
      return metadataOf(response, current);
    }
    throw new HubError('http_error', `too many redirects for ${options.what}`);
  } finally {
    deadline.dispose();
  }
}

function metadataOf(response: Response, location: string): FileMetadata {
  const h = response.headers;
  const redirect = response.status >= 300 && response.status < 400;
  const size = h.get('X-Linked-Size') ?? (redirect ? null : h.get('Content-Length'));
  const parsed = size === null ? NaN : Number(size);
  return {
    commit: h.get('X-Repo-Commit') ?? undefined,
    etag: normalizeEtag(h.get('X-Linked-Etag') ?? h.get('ETag')),
    size: Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : undefined,
    location,
  };
}

/** Maps an error answer to a HubError, as huggingface_hub's hf_raise_for_status does. */
export function errorFromResponse(response: Response, what: string): HubError {
  const code = response.headers.get('X-Error-Code');
  const serverMessage = response.headers.get('X-Error-Message');
  const status = response.status;
  const commit = response.headers.get('X-Repo-Commit') ?? undefined;
  const suffix = serverMessage ? ` (${clip(serverMessage, 100)})` : '';
  const tokenHint = 'if the repo is private or gated, set HF_TOKEN to a token that can read it';
  if (code === 'RevisionNotFound') return new HubError('revision_not_found', `revision not found for ${what}${suffix}`, { status });
  if (code === 'EntryNotFound') return new HubError('entry_not_found', `${what} does not exist${suffix}`, { status, commit });
  if (code === 'GatedRepo') return new HubError('gated', `${what} is in a gated repo: accept its conditions on the hub and set HF_TOKEN${suffix}`, { status });
  if (code === 'RepoNotFound') return new HubError('repo_not_found', `repository not found for ${what}; ${tokenHint}${suffix}`, { status });
  if (status === 401) return new HubError('unauthorized', `HTTP 401 for ${what}: repository not found or not accessible; ${tokenHint}${suffix}`, { status });
  if (status === 403) return new HubError('forbidden', `HTTP 403 for ${what}: the token cannot read it${suffix}`, { status });
  if (status === 404) return new HubError('entry_not_found', `HTTP 404 for ${what}${suffix}`, { status });
  return new HubError('http_error', `HTTP ${status} for ${what}${suffix}`, { status });
}
