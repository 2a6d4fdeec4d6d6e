/**
 * zlib inflate (RFC 1950/1951) in pure TypeScript, so PNG decoding needs neither Node's zlib nor
 * the browser's async DecompressionStream and gives the same bytes everywhere. Table-driven
 * Huffman decoding; output is capped so a small file cannot expand into an unbounded buffer.
 */

import { ImageError } from '../../errors.js';

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code as a single-level lookup table indexed by the next `bits` input bits. */
interface HuffmanTable {
  /** [1 << bits]: symbol << 4 | code length; 0 marks a bit pattern no code starts with */
  readonly entries: Int32Array;
  readonly bits: number;
}

function corrupt(message: string): ImageError {
  return new ImageError('corrupt', `PNG: corrupt zlib data: ${message}`);
}

function buildTable(lengths: ArrayLike<number>, what: string): HuffmanTable {
  let maxLen = 0;
  const count = new Int32Array(16);
  for (let i = 0; i < lengths.length; i++) {
    count[lengths[i]]++;
    if (lengths[i] > maxLen) maxLen = lengths[i];
  }
  count[0] = 0;
  // Over-subscribed code sets are invalid; incomplete ones leave holes reported when hit.
  let left = 1;
  for (let len = 1; len <= 15; len++) {
    left = left * 2 - count[len];
    if (left < 0) throw corrupt(`over-subscribed ${what} code`);
  }
  const bits = Math.max(maxLen, 1);
  const entries = new Int32Array(1 << bits);
  const next = new Int32Array(16);
  for (let len = 1, code = 0; len <= 15; len++) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  for (let sym = 0; sym < lengths.length; sym++) {
    const len = lengths[sym];
    if (len === 0) continue;
    const code = next[len]++;
    // Deflate sends codes MSB-first into an LSB-first stream: index by the reversed code.
    let rev = 0;
    for (let i = 0; i < len; i++) rev |= ((code >> i) & 1) << (len - 1 - i);
    const entry = (sym << 4) | len;
    for (let i = rev; i < entries.length; i += 1 << len) entries[i] = entry;
  }
  return { entries, bits };
}

let fixedTables: { lit: HuffmanTable; dist: HuffmanTable } | undefined;
function fixed(): { lit: HuffmanTable; dist: HuffmanTable } {
  if (!fixedTables) {
    const lit = new Uint8Array(288);
    lit.fill(8, 0, 144);
    lit.fill(9, 144, 256);
    lit.fill(7, 256, 280);
    lit.fill(8, 280, 288);
    fixedTables = { lit: buildTable(lit, 'literal/length'), dist: buildTable(new Uint8Array(30).fill(5), 'distance') };
  }
  return fixedTables;
}

class BitReader {
  private pos: number;
  private bitBuf = 0;
  private bitCount = 0;

  constructor(
    private readonly data: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  /** Ensures at least `n` (≤ 24) bits are buffered; past the end, zero bits stand in (checked in `consumed`). */
  need(n: number): void {
    while (this.bitCount < n) {
      const byte = this.pos < this.data.length ? this.data[this.pos] : 0;
      this.pos++;
      this.bitBuf |= byte << this.bitCount;
      this.bitCount += 8;
    }
  }

  bits(n: number): number {
    if (n === 0) return 0;
    this.need(n);
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    this.checkEnd();
    return v;
  }

  symbol(table: HuffmanTable): number {
    this.need(table.bits);
    const entry = table.entries[this.bitBuf & ((1 << table.bits) - 1)];
    const len = entry & 15;
    if (len === 0) throw corrupt('invalid Huffman code');
    this.bitBuf >>>= len;
    this.bitCount -= len;
    this.checkEnd();
    return entry >> 4;
  }

  /** Drops the bits of a partial byte; returns the byte position. */
  alignToByte(): number {
    const whole = this.bitCount >> 3;
    this.pos -= whole;
    this.bitBuf = 0;
    this.bitCount = 0;
    this.checkEnd();
    return this.pos;
  }

  skipTo(pos: number): void {
    this.pos = pos;
  }

  private checkEnd(): void {
    // Bytes beyond the input that are still buffered are padding: fine until consumed.
    if (this.pos - (this.bitCount >> 3) > this.data.length) {
      throw new ImageError('truncated', 'PNG: image data is truncated (zlib stream ends early)');
    }
  }
}

export interface InflateResult {
  /** The inflated bytes (exactly `maxOutput` long when the stream reached the cap). */
  data: Uint8Array;
  /** True when the stream's final block ended (and its Adler-32 was checked if present). */
  complete: boolean;
}

/**
 * Inflates a zlib stream. Decoding stops once `maxOutput` bytes are produced (PIL likewise stops
 * reading image data once every row is complete). When `exactOutput` is set the buffer is
 * allocated at that size up front.
 */
export function inflateZlib(input: Uint8Array, maxOutput: number, exactOutput = false): InflateResult {
  if (input.length < 2) throw new ImageError('truncated', 'PNG: image data is truncated (no zlib header)');
  const cmf = input[0];
  const flg = input[1];
  if ((cmf & 15) !== 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 !== 0) throw corrupt('bad zlib header');
  if (flg & 0x20) throw corrupt('preset dictionary is not allowed');

  let out = new Uint8Array(exactOutput ? maxOutput : Math.min(maxOutput, Math.max(1024, input.length * 4)));
  let n = 0;
  const grow = (needed: number): void => {
    if (needed <= out.length) return;
    const next = new Uint8Array(Math.min(maxOutput, Math.max(needed, out.length * 2)));
    next.set(out.subarray(0, n));
    out = next;
  };
  const finish = (complete: boolean): InflateResult => ({ data: out.length === n ? out : out.slice(0, n), complete });

  const br = new BitReader(input, 2);
  for (;;) {
    const final = br.bits(1);
    const type = br.bits(2);
    if (type === 0) {
      const pos = br.alignToByte();
      if (pos + 4 > input.length) throw new ImageError('truncated', 'PNG: image data is truncated (stored block header)');
      const len = input[pos] | (input[pos + 1] << 8);
      const nlen = input[pos + 2] | (input[pos + 3] << 8);
      if ((len ^ 0xffff) !== nlen) throw corrupt('stored block length check failed');
      const start = pos + 4;
      const take = Math.min(len, maxOutput - n);
      if (start + take > input.length) throw new ImageError('truncated', 'PNG: image data is truncated (stored block)');
      grow(n + take);
      out.set(input.subarray(start, start + take), n);
      n += take;
      if (take < len) return finish(false);
      br.skipTo(start + len);
    } else if (type === 1 || type === 2) {
      const { lit, dist } = type === 1 ? fixed() : readDynamicTables(br);
      for (;;) {
        const sym = br.symbol(lit);
        if (sym < 256) {
          if (n >= out.length) {
            if (n === maxOutput) return finish(false);
            grow(n + 1);
          }
          out[n++] = sym;
        } else if (sym === 256) {
          break;
        } else {
          const li = sym - 257;
          if (li >= 29) throw corrupt(`invalid length symbol ${sym}`);
          let length = LENGTH_BASE[li] + br.bits(LENGTH_EXTRA[li]);
          const ds = br.symbol(dist);
          if (ds >= 30) throw corrupt(`invalid distance symbol ${ds}`);
          const distance = DIST_BASE[ds] + br.bits(DIST_EXTRA[ds]);
          if (distance > n) throw corrupt('distance reaches before the start of the output');
          let capped = false;
          if (n + length > maxOutput) {
            length = maxOutput - n;
            capped = true;
          }
          grow(n + length);
          for (let i = 0; i < length; i++, n++) out[n] = out[n - distance];
          if (capped) return finish(false);
        }
      }
    } else {
      throw corrupt('invalid block type 3');
    }
    if (final) break;
  }
  const pos = br.alignToByte();
  if (pos + 4 <= input.length) {
    const expected = ((input[pos] << 24) | (input[pos + 1] << 16) | (input[pos + 2] << 8) | input[pos + 3]) >>> 0;
    if (adler32(out, n) !== expected) throw corrupt('Adler-32 checksum mismatch');
  }
  return finish(true);
}

function readDynamicTables(br: BitReader): { lit: HuffmanTable; dist: HuffmanTable } {
  const hlit = br.bits(5) + 257;
  const hdist = br.bits(5) + 1;
  const hclen = br.bits(4) + 4;
  if (hlit > 286 || hdist > 30) throw corrupt('too many length or distance codes');
  const clLengths = new Uint8Array(19);
  for (let i = 0; i < hclen; i++) clLengths[CODE_LENGTH_ORDER[i]] = br.bits(3);
  const clTable = buildTable(clLengths, 'code-length');
  const lengths = new Uint8Array(hlit + hdist);
  for (let i = 0; i < lengths.length; ) {
    const sym = br.symbol(clTable);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw corrupt('repeat with no previous length');
      value = lengths[i - 1];
      repeat = 3 + br.bits(2);
    } else if (sym === 17) {
      repeat = 3 + br.bits(3);
    } else {
      repeat = 11 + br.bits(7);
    }
    if (i + repeat > lengths.length) throw corrupt('code lengths overflow');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw corrupt('no end-of-block code');
  return { lit: buildTable(lengths.subarray(0, hlit), 'literal/length'), dist: buildTable(lengths.subarray(hlit), 'distance') };
}

function adler32(data: Uint8Array, length: number): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < length; ) {
    const end = Math.min(length, i + 3800);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
