/**
 * A local file read whole within read limits: a regular file over `maxBytes` is refused from its
 * size; a device or pipe (/dev/zero, a FIFO that never ends or stalls) is read chunk by chunk under
 * the same byte and time limits as a URL.
 */

import { open } from 'node:fs/promises';
import { ReadDeadline } from '../limits/limited-read.js';
import { DEFAULT_READ_LIMITS, resolveLimits, type ReadLimits } from '../limits/read-limits.js';

const CHUNK = 1 << 20;

export async function readFileLimited(path: string, limits?: ReadLimits): Promise<Uint8Array> {
  const deadline = new ReadDeadline(resolveLimits(limits, DEFAULT_READ_LIMITS), path);
  // Opening a FIFO waits for a writer: that wait is under the limits too.
  const opening = open(path, 'r');
  let handle: Awaited<typeof opening>;
  try {
    handle = await deadline.race(opening, () => void opening.then((h) => h.close(), () => undefined));
  } catch (e) {
    deadline.dispose();
    throw e;
  }
  let closed = false;
  const close = (): void => {
    closed = true;
    void handle.close().catch(() => undefined);
  };
  try {
    const info = await handle.stat();
    const max = deadline.limits.maxBytes;
    if (info.isFile() && info.size > max) throw deadline.tooLarge(info.size);
    let buffer = new Uint8Array(info.isFile() ? Math.min(info.size, max) : Math.min(CHUNK, max));
    let loaded = 0;
    for (;;) {
      if (loaded === buffer.byteLength) {
        // Full: one more byte decides between "done" and "over the limit" (a file that grew, a device).
        if (loaded >= max) {
          const probe = await deadline.race(handle.read(new Uint8Array(1), 0, 1, null), close);
          if (probe.bytesRead === 0) break;
          throw deadline.tooLarge(loaded + 1);
        }
        const next = new Uint8Array(Math.min(max, Math.max(CHUNK, buffer.byteLength * 2)));
        next.set(buffer);
        buffer = next;
      }
      const { bytesRead } = await deadline.race(handle.read(buffer, loaded, Math.min(CHUNK, buffer.byteLength - loaded), null), close);
      if (bytesRead === 0) break;
      loaded += bytesRead;
    }
    return loaded === buffer.byteLength ? buffer : buffer.slice(0, loaded);
  } finally {
    deadline.dispose();
    if (!closed) await handle.close();
  }
}
