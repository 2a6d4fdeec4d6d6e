import { gzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gunzip, ImageError } from '@purevit/image';

/** A gzip member with the optional header fields RFC 1952 allows (Node's gzip writes none of them). */
function withHeaderFields(plain: Uint8Array): Uint8Array {
  const z = new Uint8Array(gzipSync(plain));
  const extra = [4, 0, 1, 2, 3, 4]; // XLEN 4, then 4 bytes
  const name = [...new TextEncoder().encode('t10k.idx'), 0];
  const comment = [...new TextEncoder().encode('a comment'), 0];
  const headerCrc = [0xaa, 0xbb];
  const out = Uint8Array.from([...z.subarray(0, 10), ...extra, ...name, ...comment, ...headerCrc, ...z.subarray(10)]);
  out[3] = 4 | 8 | 16 | 2; // FEXTRA | FNAME | FCOMMENT | FHCRC
  return out;
}

function errorOf(f: () => unknown): ImageError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImageError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('gunzip against Node zlib', () => {
  it('inflates what gzip wrote, at every level', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 9 }), (data, level) => {
        expect(gunzip(new Uint8Array(gzipSync(data, { level })))).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });

  it('skips the optional header fields', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) % 7);
    expect(gunzip(withHeaderFields(data))).toEqual(data);
  });

  it('names what is wrong: magic, method, truncation, corruption, CRC, length, size limit', () => {
    const data = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251);
    const z = new Uint8Array(gzipSync(data));
    const at = (i: number, v: number): Uint8Array => Object.assign(z.slice(), { [i]: v });
    expect(errorOf(() => gunzip(new Uint8Array(40))).message).toBe('gzip: not gzip data (bad magic bytes)');
    expect(errorOf(() => gunzip(at(2, 7))).message).toBe('gzip: compression method 7 is not deflate');
    expect(errorOf(() => gunzip(z.subarray(0, 12))).code).toBe('truncated');
    expect(errorOf(() => gunzip(Uint8Array.from([...z.subarray(0, 30), ...z.subarray(z.length - 8)]))).message).toMatch(/^gzip: the data is truncated/);
    const crc = z.slice();
    crc[z.length - 8] ^= 1;
    expect(errorOf(() => gunzip(crc)).message).toBe('gzip: CRC-32 mismatch');
    const claim = (delta: number): Uint8Array => {
      const copy = z.slice();
      new DataView(copy.buffer).setUint32(z.length - 4, data.length + delta, true);
      return copy;
    };
    expect(errorOf(() => gunzip(claim(-1))).message).toBe(`gzip: the data inflates to ${data.length} bytes, its trailer states ${data.length - 1}`);
    expect(errorOf(() => gunzip(claim(-2))).message).toBe(`gzip: the data inflates past the ${data.length - 2} bytes its trailer states`);
    expect(errorOf(() => gunzip(claim(1))).message).toBe(`gzip: the data inflates to ${data.length} bytes, its trailer states ${data.length + 1}`);
    expect(errorOf(() => gunzip(z, 100)).message).toBe(`gzip: the data inflates to ${data.length} bytes, more than the 100 allowed`);
    const corrupt = z.slice();
    corrupt[10] = 0xff; // final block of type 3
    expect(errorOf(() => gunzip(corrupt)).message).toBe('gzip: corrupt deflate data: invalid block type 3');
  });
});
