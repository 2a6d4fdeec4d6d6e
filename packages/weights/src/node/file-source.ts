/**
 * A ByteSource over a local file using positional reads. Each read opens the file, reads its range
 * and closes it again, so a lazily loaded model never leaks descriptors and needs no close() call;
 * the file's identity (inode, size, mtime) is checked on every open so a file replaced after its
 * header was read cannot feed mismatched bytes.
 */

import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { checkRange, type ByteSource } from '../sources/byte-source.js';

export async function fileSource(path: string): Promise<ByteSource> {
  const initial = await stat(path);
  if (!initial.isFile()) throw new Error(`${path} is not a regular file`);
  const size = initial.size;

  const readInto = async (offset: number, target: Uint8Array): Promise<void> => {
    checkRange(size, offset, target.byteLength);
    if (target.byteLength === 0) return;
    const handle = await open(path, 'r');
    try {
      if (!sameFile(initial, await handle.stat())) throw new Error(`${path} changed after it was opened`);
      let done = 0;
      while (done < target.byteLength) {
        // Node caps one read at 2 GiB; loop for larger tensors and for short reads.
        const chunk = Math.min(target.byteLength - done, 0x40000000);
        const { bytesRead } = await handle.read(target, done, chunk, offset + done);
        if (bytesRead === 0) throw new Error(`${path} ended at byte ${offset + done}, expected ${size} bytes`);
        done += bytesRead;
      }
    } finally {
      await handle.close();
    }
  };

  return {
    size,
    readInto,
    async read(offset, length) {
      checkRange(size, offset, length);
      const out = new Uint8Array(length);
      await readInto(offset, out);
      return out;
    },
  };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
