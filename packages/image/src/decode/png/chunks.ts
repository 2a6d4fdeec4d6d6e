/**
 * PNG chunk layer, following what Pillow 9.4's PngImagePlugin accepts: every chunk before the
 * first IDAT must pass its CRC; the image data is the first run of consecutive IDAT chunks (not
 * CRC-checked, like PIL, though zlib's Adler-32 still guards it); chunks after it are read
 * leniently (PIL ignores errors there) for late eXIf/text metadata.
 */

import { ImageError } from '../../errors.js';
import { crc32 } from './crc32.js';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Chunk {
  readonly type: string;
  readonly data: Uint8Array;
}

export interface PngChunks {
  readonly ihdr: Uint8Array;
  /** Chunks other than IHDR/IDAT, in file order, with whether they came before the image data. */
  readonly ancillary: readonly (Chunk & { beforeData: boolean })[];
  /** The concatenated payload of the first run of IDAT chunks. */
  readonly idat: Uint8Array;
}

function readU32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

function chunkType(b: Uint8Array, p: number): string | undefined {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const c = b[p + i];
    // PIL's is_cid: four word characters.
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
    if (!ok) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Splits a PNG into IHDR, image data and other chunks; throws on structural damage. */
export function readChunks(bytes: Uint8Array): PngChunks {
  let p = 8;
  let ihdr: Uint8Array | undefined;
  const ancillary: (Chunk & { beforeData: boolean })[] = [];
  const idatParts: Uint8Array[] = [];
  let state: 'header' | 'data' | 'after' = 'header';

  while (p < bytes.length) {
    if (p + 8 > bytes.length) {
      if (state === 'header') throw new ImageError('truncated', `PNG: file is truncated (chunk header at byte ${p})`);
      break;
    }
    const length = readU32(bytes, p);
    const type = chunkType(bytes, p + 4);
    if (type === undefined) {
      if (state === 'after') break;
      throw new ImageError('corrupt', `PNG: broken file (invalid chunk type at byte ${p + 4})`);
    }
    const start = p + 8;
    const end = start + length;
    if (end > bytes.length || (state !== 'header' && end + 4 > bytes.length && type !== 'IDAT')) {
      if (state === 'after') break;
      throw new ImageError('truncated', `PNG: file is truncated (${type} chunk of ${length} bytes at byte ${p})`);
    }
    const data = bytes.subarray(start, end);
    if (ihdr === undefined && type !== 'IHDR') throw new ImageError('corrupt', `PNG: first chunk is ${type}, expected IHDR`);

    if (type === 'IDAT') {
      if (state === 'after') {
        // A second, separate run of IDAT chunks is not image data for PIL.
      } else {
        state = 'data';
        idatParts.push(data);
      }
    } else {
      if (state === 'data') state = 'after';
      if (state === 'header') {
        if (end + 4 > bytes.length) throw new ImageError('truncated', `PNG: file is truncated (CRC of ${type})`);
        if (crc32(bytes, p + 4, end) !== readU32(bytes, end)) {
          throw new ImageError('corrupt', `PNG: broken file (bad CRC in ${type} chunk)`);
        }
      }
      if (type === 'IEND') break;
      if (type === 'IHDR') {
        if (ihdr !== undefined) throw new ImageError('corrupt', 'PNG: more than one IHDR chunk');
        ihdr = data;
      } else {
        ancillary.push({ type, data, beforeData: state === 'header' });
      }
    }
    p = end + 4;
  }
  if (ihdr === undefined) throw new ImageError('truncated', 'PNG: file is truncated (no IHDR chunk)');
  if (idatParts.length === 0) throw new ImageError('truncated', 'PNG: file is truncated (no image data)');
  let total = 0;
  for (const part of idatParts) total += part.length;
  const idat = new Uint8Array(total);
  let o = 0;
  for (const part of idatParts) {
    idat.set(part, o);
    o += part.length;
  }
  return { ihdr, ancillary, idat };
}
