/**
 * gzip (RFC 1952) with the PNG decoder's own inflate, so data files shipped gzipped (the Fashion-MNIST
 * test set) read the same in every runtime without Node's zlib. One member; the header's optional
 * fields are skipped, the trailer's CRC-32 and length are checked.
 */

import { ImageError } from '../errors.js';
import { crc32 } from './png/crc32.js';
import { inflateZlib } from './png/inflate.js';

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FRESERVED = 0xe0;

/** The most a stream may inflate to unless the caller says otherwise: its trailer's length is the file's claim. */
export const DEFAULT_MAX_GUNZIP_BYTES = 256 * 1024 * 1024;

function truncated(what: string): ImageError {
  return new ImageError('truncated', `gzip: the data is truncated (${what})`);
}

/** Where the deflate stream starts, past the fixed header and the fields FLG announces. */
function bodyStart(bytes: Uint8Array): number {
  if (bytes.length < 18) throw truncated('shorter than a header and a trailer');
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ImageError('unknown_format', 'gzip: not gzip data (bad magic bytes)');
  if (bytes[2] !== 8) throw new ImageError('unsupported', `gzip: compression method ${bytes[2]} is not deflate`);
  const flags = bytes[3];
  if (flags & FRESERVED) throw new ImageError('corrupt', 'gzip: reserved header flags are set');
  let p = 10;
  if (flags & FEXTRA) p += 2 + (bytes[p] | (bytes[p + 1] << 8));
  for (const field of [FNAME, FCOMMENT]) {
    if (!(flags & field)) continue;
    while (p < bytes.length && bytes[p] !== 0) p++;
    p++; // the terminating zero
  }
  if (flags & FHCRC) p += 2;
  if (p + 8 > bytes.length) throw truncated('header fields run past the end');
  return p;
}

/** The bytes a one-member gzip stream holds; errors name a bad header, a corrupt stream and a CRC or length mismatch. */
export function gunzip(bytes: Uint8Array, maxOutput = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  const start = bodyStart(bytes);
  const trailer = bytes.length - 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expectedCrc = view.getUint32(trailer, true);
  const size = view.getUint32(trailer + 4, true); // the length modulo 2^32
  if (size > maxOutput) throw new ImageError('too_large', `gzip: the data inflates to ${size} bytes, more than the ${maxOutput} allowed`);
  // The body is a raw deflate stream: inflateZlib takes it behind a zlib header. No Adler-32 follows
  // it there, so none is checked; gzip's own CRC-32 is, below.
  const zlib = new Uint8Array(2 + trailer - start);
  zlib[0] = 0x78;
  zlib[1] = 0x01;
  zlib.set(bytes.subarray(start, trailer), 2);
  let inflated;
  try {
    inflated = inflateZlib(zlib, size + 1, true);
  } catch (e) {
    if (!(e instanceof ImageError)) throw e;
    const message = e.message.replace(/^PNG: image data is /, 'gzip: the data is ').replace(/^PNG: /, 'gzip: ').replace('zlib', 'deflate');
    throw new ImageError(e.code, message, { cause: e });
  }
  const { data, complete } = inflated;
  if (!complete) throw data.length > size ? new ImageError('corrupt', `gzip: the data inflates past the ${size} bytes its trailer states`) : truncated('deflate stream ends early');
  if (data.length !== size) throw new ImageError('corrupt', `gzip: the data inflates to ${data.length} bytes, its trailer states ${size}`);
  if (crc32(data) !== expectedCrc) throw new ImageError('corrupt', 'gzip: CRC-32 mismatch');
  return data;
}
