/**
 * zlib deflate (RFC 1950/1951) in pure TypeScript: greedy LZ77 over a 32 KiB window with hash
 * chains, coded with the fixed Huffman tables in one block. No dynamic tables: a fraction of the
 * code of a full compressor, and PNG rows of smooth images (what this package writes: heat maps)
 * still shrink several-fold.
 */

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

const WINDOW = 32768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const HASH_BITS = 15;
/** How many earlier positions with the same 3-byte hash are tried; bounds the time per byte. */
const MAX_CHAIN = 64;

/** LSB-first bit writer into a growing byte buffer. */
class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  private acc = 0; // pending bits, LSB first
  private nbits = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  bits(value: number, count: number): void {
    this.acc |= value << this.nbits;
    this.nbits += count;
    while (this.nbits >= 8) {
      this.byte(this.acc & 0xff);
      this.acc >>>= 8;
      this.nbits -= 8;
    }
  }

  /** A Huffman code: deflate sends codes most-significant bit first. */
  code(code: number, length: number): void {
    let reversed = 0;
    for (let i = 0; i < length; i++) reversed |= ((code >>> i) & 1) << (length - 1 - i);
    this.bits(reversed, length);
  }

  flush(): void {
    if (this.nbits > 0) this.byte(this.acc & 0xff);
    this.acc = 0;
    this.nbits = 0;
  }

  byte(b: number): void {
    if (this.pos === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.pos++] = b;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Fixed literal/length code (RFC 1951 §3.2.6). */
function literalLength(out: BitWriter, symbol: number): void {
  if (symbol < 144) out.code(0x30 + symbol, 8);
  else if (symbol < 256) out.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) out.code(symbol - 256, 7);
  else out.code(0xc0 + symbol - 280, 8);
}

function lengthSymbol(length: number): number {
  let i = LENGTH_BASE.length - 1;
  while (LENGTH_BASE[i] > length) i--;
  return i;
}

function distanceSymbol(distance: number): number {
  let i = DIST_BASE.length - 1;
  while (DIST_BASE[i] > distance) i--;
  return i;
}

function hashAt(data: Uint8Array, i: number): number {
  return Math.imul((data[i] << 16) | (data[i + 1] << 8) | data[i + 2], 0x9e3779b1) >>> (32 - HASH_BITS);
}

/** Raw deflate (RFC 1951) of `data`: one final block with the fixed Huffman codes. */
export function deflateRaw(data: Uint8Array): Uint8Array {
  const out = new BitWriter(data.length / 2 + 64);
  out.bits(1, 1); // BFINAL
  out.bits(1, 2); // BTYPE 01: fixed Huffman codes
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(WINDOW);
  const n = data.length;
  const insert = (i: number): void => {
    if (i + MIN_MATCH > n) return;
    const h = hashAt(data, i);
    prev[i & (WINDOW - 1)] = head[h];
    head[h] = i;
  };
  let i = 0;
  while (i < n) {
    let bestLength = 0;
    let bestDistance = 0;
    if (i + MIN_MATCH <= n) {
      const limit = Math.min(MAX_MATCH, n - i);
      let candidate = head[hashAt(data, i)];
      for (let chain = 0; candidate >= 0 && i - candidate <= WINDOW && chain < MAX_CHAIN; chain++) {
        let length = 0;
        while (length < limit && data[candidate + length] === data[i + length]) length++;
        if (length > bestLength) {
          bestLength = length;
          bestDistance = i - candidate;
          if (length === limit) break;
        }
        const next = prev[candidate & (WINDOW - 1)];
        if (next >= candidate) break; // the slot was reused by a newer position: the chain ends here
        candidate = next;
      }
    }
    if (bestLength >= MIN_MATCH) {
      const ls = lengthSymbol(bestLength);
      literalLength(out, 257 + ls);
      out.bits(bestLength - LENGTH_BASE[ls], LENGTH_EXTRA[ls]);
      const ds = distanceSymbol(bestDistance);
      out.code(ds, 5);
      out.bits(bestDistance - DIST_BASE[ds], DIST_EXTRA[ds]);
      for (let k = 0; k < bestLength; k++) insert(i + k);
      i += bestLength;
    } else {
      literalLength(out, data[i]);
      insert(i);
      i++;
    }
  }
  literalLength(out, 256); // end of block
  out.flush();
  return out.result();
}

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is the most that can be summed before b could exceed 2^32 (zlib's NMAX).
  for (let start = 0; start < data.length; start += 5552) {
    const end = Math.min(data.length, start + 5552);
    for (let i = start; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream (RFC 1950): header, raw deflate, Adler-32 of the input. */
export function deflateZlib(data: Uint8Array): Uint8Array {
  const raw = deflateRaw(data);
  const out = new Uint8Array(raw.length + 6);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no dictionary, fastest-level hint; (0x78 << 8 | 0x01) % 31 === 0
  out.set(raw, 2);
  const check = adler32(data);
  out[raw.length + 2] = check >>> 24;
  out[raw.length + 3] = (check >>> 16) & 0xff;
  out[raw.length + 4] = (check >>> 8) & 0xff;
  out[raw.length + 5] = check & 0xff;
  return out;
}
