/**
 * A ByteSource over HTTP range requests: a checkpoint on a server (or the hub's CDN) is read tensor
 * by tensor, never downloaded whole. The first request fetches a prefix (which usually holds the
 * whole safetensors header) and learns the size from Content-Range.
 */

import { HubError } from '../hub/errors.js';
import { formatValue } from '../limits/format-value.js';
import { fetchLimited, ReadDeadline, readAllLimited } from '../limits/limited-read.js';
import { DEFAULT_DOWNLOAD_LIMITS, ReadLimitError, resolveLimits, type ReadLimits } from '../limits/read-limits.js';
import { checkRange, type ByteSource } from './byte-source.js';

export interface HttpRangeOptions {
  fetch?: typeof fetch;
  /** Extra headers (e.g. Authorization), sent only to the origin of `url`, never to a redirect target elsewhere. */
  headers?: Record<string, string>;
  /** Bytes fetched by the first request (default 64 KiB). */
  prefetch?: number;
  /** Time limits of each request (default DEFAULT_DOWNLOAD_LIMITS: 60 s idle); bodies are capped at the range asked. */
  limits?: ReadLimits;
}

export async function httpRangeSource(url: string, options: HttpRangeOptions = {}): Promise<ByteSource> {
  const doFetch = options.fetch ?? fetch;
  const origin = new URL(url).origin;
  const prefetch = Math.max(1, options.prefetch ?? 65536);
  let target = url; // becomes the redirect target (e.g. a signed CDN URL) after the first answer

  const limits = resolveLimits(options.limits, DEFAULT_DOWNLOAD_LIMITS);

  /** One range request and its body (at most `maxBytes`), under one deadline. */
  const get = async (start: number, end: number, maxBytes: number): Promise<{ response: Response; body: Uint8Array }> => {
    const headers: Record<string, string> = { Range: `bytes=${start}-${end}`, 'Accept-Encoding': 'identity' };
    if (new URL(target).origin === origin) Object.assign(headers, options.headers);
    const deadline = new ReadDeadline({ ...limits, maxBytes }, url);
    try {
      let response: Response;
      try {
        response = await fetchLimited(doFetch, target, { headers }, deadline);
      } catch (e) {
        if (e instanceof ReadLimitError) throw e;
        throw new HubError('network', `cannot reach ${url}: ${(e as Error).message}`, { cause: e });
      }
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        return { response, body: new Uint8Array(0) };
      }
      return { response, body: response.body ? await readAllLimited(response.body, deadline) : new Uint8Array(0) };
    } finally {
      deadline.dispose();
    }
  };

  // A server that ignores Range answers 200 with the whole file: this source then holds it in memory.
  const { response: first, body: firstBody } = await get(0, prefetch - 1, limits.maxBytes);
  if (first.redirected && first.url) target = first.url;
  if (first.status === 200) return memory(firstBody);
  if (first.status === 416) return memory(new Uint8Array(0));
  if (first.status !== 206) {
    throw new HubError('http_error', `range request for ${url} failed: HTTP ${first.status}`, { status: first.status });
  }
  const range = parseContentRange(first.headers.get('Content-Range'));
  if (!range || range.start !== 0 || range.size === undefined) {
    throw new HubError('http_error', `range request for ${url}: unusable Content-Range ${formatValue(first.headers.get('Content-Range'))}`);
  }
  const size = range.size;
  const prefix = firstBody;
  if (prefix.byteLength !== Math.min(prefetch, size)) {
    throw new HubError('http_error', `range request for ${url}: got ${prefix.byteLength} bytes, expected ${Math.min(prefetch, size)}`);
  }

  return {
    size,
    async read(offset, length) {
      checkRange(size, offset, length);
      if (offset + length <= prefix.byteLength) return prefix.slice(offset, offset + length);
      const { response, body: bytes } = await get(offset, offset + length - 1, length);
      const got = parseContentRange(response.headers.get('Content-Range'));
      if (response.status !== 206 || !got || got.start !== offset) {
        throw new HubError('http_error', `range request bytes=${offset}-${offset + length - 1} of ${url} failed: HTTP ${response.status}`, { status: response.status });
      }
      if (bytes.byteLength !== length) {
        throw new HubError('http_error', `range request bytes=${offset}-${offset + length - 1} of ${url} returned ${bytes.byteLength} bytes`);
      }
      return bytes;
    },
  };
}

function memory(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read: async (offset, length) => {
      checkRange(bytes.byteLength, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** `bytes 0-99/1234` → {start: 0, end: 99, size: 1234}; `bytes 0-99/*` → size undefined. */
function parseContentRange(header: string | null): { start: number; end: number; size: number | undefined } | undefined {
  const m = header === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), size: m[3] === '*' ? undefined : Number(m[3]) };
}
