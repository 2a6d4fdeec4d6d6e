/**
 * Whole files that appear complete or not at all: written to `<path>.<random>.incomplete`, flushed
 * to disk, then renamed over `path` (rename is atomic on POSIX file systems). A job killed mid-write
 * leaves only a `.incomplete` file, which resume deletes.
 */

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export const INCOMPLETE_SUFFIX = '.incomplete';

export async function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}${INCOMPLETE_SUFFIX}`;
  const handle = await open(temp, 'wx');
  try {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.byteLength) done += (await handle.write(chunk, done, chunk.byteLength - done)).bytesWritten;
    }
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dirname(path));
}

/** Makes a rename durable (the folder entry itself); best effort where folders cannot be opened. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
