/** The IDX format of (Fashion-)MNIST: big-endian magic + dimensions, then unsigned bytes; gzip accepted (our own inflate). */

import { readFile } from 'node:fs/promises';
import { gunzip } from '@purevit/image';

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzip(bytes);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${path} is not an IDX file (bad magic)`);
  if (bytes[2] !== 0x08) throw new Error(`${path}: IDX element type 0x${bytes[2].toString(16)} is not unsigned byte`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + size) throw new Error(`${path}: IDX header says ${size} values, the file holds ${bytes.length - start}`);
  return { shape, data: bytes.subarray(start) };
}
