/** An http(s) URL read whole within read limits (image URLs); fetch only, so Node and browsers share it. */

import { errorFromResponse } from '../hub/resolve.js';
import { fetchLimited, ReadDeadline, readAllLimited } from './limited-read.js';
import { DEFAULT_READ_LIMITS, resolveLimits, type ReadLimits } from './read-limits.js';

export async function readUrl(url: string, limits?: ReadLimits, doFetch: typeof fetch = fetch): Promise<Uint8Array> {
  const deadline = new ReadDeadline(resolveLimits(limits, DEFAULT_READ_LIMITS), url);
  try {
    const response = await fetchLimited(doFetch, url, {}, deadline);
    if (!response.ok) {
      void response.body?.cancel().catch(() => undefined);
      throw errorFromResponse(response, url);
    }
    const length = Number(response.headers.get('Content-Length') ?? NaN);
    if (length > deadline.limits.maxBytes) {
      void response.body?.cancel().catch(() => undefined);
      throw deadline.tooLarge(length);
    }
    if (!response.body) return new Uint8Array(0);
    return await readAllLimited(response.body, deadline, Number.isNaN(length) ? undefined : length);
  } finally {
    deadline.dispose();
  }
}
