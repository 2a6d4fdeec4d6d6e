/**
 * zlib inflate (RFC 1950/1951) in pure TypeScript, so PNG decoding needs neither Node's zlib nor
 * the browser's async DecompressionStream and gives the same bytes everywhere. It streams: the
 * caller pulls exactly the bytes it needs (a PNG decoder, one scanline at a time) and only the last
 * 32 KiB of output are kept for back-references, so inflating an image costs a window, not a copy
 * of its (possibly 16-bit, 4-channel) scanlines.
 */

import { ImageError } from '../../errors.js';
import { BitReader } from './inflate-bits.js';
import { DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA, corrupt, fixed, readDynamicTables, type HuffmanTable } from './inflate-tables.js';

const WINDOW = 32768;
const MASK = WINDOW - 1;

type State = 'header' | 'stored' | 'huffman' | 'done';

export class Inflater {
  private readonly br: BitReader;
  private readonly window = new Uint8Array(WINDOW); // the last 32 KiB of output, at total & MASK
  private state: State = 'header';
  private finalBlock = false;
  private lit: HuffmanTable | undefined;
  private dist: HuffmanTable | undefined;
  /** Stored block: bytes left and where they are in the input. */
  private storedLeft = 0;
  private storedPos = 0;
  /** A back-reference not yet fully copied. */
  private copyLeft = 0;
  private copyDistance = 0;
  /** Bytes produced so far. */
  private total = 0;
  private adlerA = 1;
  private adlerB = 0;

  constructor(private readonly input: Uint8Array) {
    if (input.length < 2) throw new ImageError('truncated', 'PNG: image data is truncated (no zlib header)');
    const cmf = input[0];
    const flg = input[1];
    if ((cmf & 15) !== 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 !== 0) throw corrupt('bad zlib header');
    if (flg & 0x20) throw corrupt('preset dictionary is not allowed');
    this.br = new BitReader(input, 2);
  }

  /** True once the final block has ended (and the Adler-32 checksum, when present, matched). */
  get complete(): boolean {
    return this.state === 'done';
  }

  /** Bytes produced so far. */
  get produced(): number {
    return this.total;
  }

  /**
   * Writes the next `n` output bytes to `out` from `offset`; returns how many were written: fewer
   * than `n` only when the stream ended.
   */
  read(out: Uint8Array, offset: number, n: number): number {
    return this.run(out, offset, n, false);
  }

  /**
   * What PIL does once it has every row: the decoder goes on only until it would produce another
   * byte. A stream that ends right there has its Adler-32 checked; data beyond is never looked at.
   */
  finish(): void {
    if (this.state !== 'done') this.run(this.window, 0, 0, true);
  }

  private run(out: Uint8Array, offset: number, n: number, finishing: boolean): number {
    const br = this.br;
    const window = this.window;
    let o = offset;
    let mark = offset; // out[mark, o) is not in the Adler-32 sums yet
    const end = offset + n;
    let total = this.total;
    const endBlock = (): void => {
      this.adler(out, mark, o - mark);
      mark = o;
      this.endBlock();
    };
    try {
      for (;;) {
        if (this.state === 'done') break;
        if (this.state === 'header') {
          this.readBlockHeader();
          continue;
        }
        if (this.state === 'stored') {
          if (this.storedLeft === 0) {
            endBlock();
            continue;
          }
          if (o === end) break;
          const take = Math.min(this.storedLeft, end - o);
          const from = this.storedPos;
          if (from + take > this.input.length) throw new ImageError('truncated', 'PNG: image data is truncated (stored block)');
          for (let i = 0; i < take; i++) {
            const b = this.input[from + i];
            out[o++] = b;
            window[total++ & MASK] = b;
          }
          this.storedPos += take;
          this.storedLeft -= take;
          if (this.storedLeft === 0) br.skipTo(this.storedPos);
          continue;
        }
        // Huffman block: finish a pending back-reference first.
        if (this.copyLeft > 0) {
          if (o === end) break;
          const count = Math.min(this.copyLeft, end - o);
          const d = this.copyDistance;
          for (let i = 0; i < count; i++) {
            const b = window[(total - d) & MASK];
            out[o++] = b;
            window[total++ & MASK] = b;
          }
          this.copyLeft -= count;
          continue;
        }
        // A full buffer stops before the next symbol, except when finishing (see finish()).
        if (o === end && !finishing) break;
        const sym = br.symbol(this.lit!);
        if (sym < 256) {
          if (o === end) break; // finishing: the stream goes on with data nobody reads
          out[o++] = sym;
          window[total++ & MASK] = sym;
        } else if (sym === 256) {
          endBlock();
        } else {
          const li = sym - 257;
          if (li >= 29) throw corrupt(`invalid length symbol ${sym}`);
          const length = LENGTH_BASE[li] + br.bits(LENGTH_EXTRA[li]);
          const ds = br.symbol(this.dist!);
          if (ds >= 30) throw corrupt(`invalid distance symbol ${ds}`);
          const distance = DIST_BASE[ds] + br.bits(DIST_EXTRA[ds]);
          if (distance > total) throw corrupt('distance reaches before the start of the output');
          this.copyLeft = length;
          this.copyDistance = distance;
        }
      }
    } finally {
      this.total = total;
    }
    this.adler(out, mark, o - mark);
    return o - offset;
  }

  private readBlockHeader(): void {
    const br = this.br;
    this.finalBlock = br.bits(1) === 1;
    const type = br.bits(2);
    if (type === 0) {
      const pos = br.alignToByte();
      const input = this.input;
      if (pos + 4 > input.length) throw new ImageError('truncated', 'PNG: image data is truncated (stored block header)');
      const len = input[pos] | (input[pos + 1] << 8);
      const nlen = input[pos + 2] | (input[pos + 3] << 8);
      if ((len ^ 0xffff) !== nlen) throw corrupt('stored block length check failed');
      this.storedPos = pos + 4;
      this.storedLeft = len;
      this.state = 'stored';
      if (len === 0) br.skipTo(this.storedPos);
    } else if (type === 1 || type === 2) {
      const tables = type === 1 ? fixed() : readDynamicTables(br);
      this.lit = tables.lit;
      this.dist = tables.dist;
      this.state = 'huffman';
    } else {
      throw corrupt('invalid block type 3');
    }
  }

  private endBlock(): void {
    if (!this.finalBlock) {
      this.state = 'header';
      return;
    }
    this.state = 'done';
    const pos = this.br.alignToByte();
    const input = this.input;
    if (pos + 4 <= input.length) {
      const expected = ((input[pos] << 24) | (input[pos + 1] << 16) | (input[pos + 2] << 8) | input[pos + 3]) >>> 0;
      if ((((this.adlerB % 65521) << 16) | (this.adlerA % 65521)) >>> 0 !== expected) throw corrupt('Adler-32 checksum mismatch');
    }
  }

  private adler(data: Uint8Array, offset: number, length: number): void {
    let a = this.adlerA;
    let b = this.adlerB;
    for (let i = offset, end = offset + length; i < end; ) {
      const stop = Math.min(end, i + 3800);
      for (; i < stop; i++) {
        a += data[i];
        b += a;
      }
      a %= 65521;
      b %= 65521;
    }
    this.adlerA = a;
    this.adlerB = b;
  }
}

export interface InflateResult {
  /** The inflated bytes (exactly `maxOutput` long when the stream reached the cap). */
  data: Uint8Array;
  /** True when the stream's final block ended (and its Adler-32 was checked if present). */
  complete: boolean;
}

/**
 * Inflates a whole zlib stream, stopping once `maxOutput` bytes are produced (PIL likewise stops
 * reading image data once every row is complete). With `exactOutput` the buffer is allocated at
 * that size up front.
 */
export function inflateZlib(input: Uint8Array, maxOutput: number, exactOutput = false): InflateResult {
  const inflater = new Inflater(input);
  let out = new Uint8Array(exactOutput ? maxOutput : Math.min(maxOutput, Math.max(1024, input.length * 4)));
  let n = 0;
  for (;;) {
    n += inflater.read(out, n, out.length - n);
    if (inflater.complete || n === maxOutput) break;
    const next = new Uint8Array(Math.min(maxOutput, out.length * 2));
    next.set(out.subarray(0, n));
    out = next;
  }
  inflater.finish();
  return { data: out.length === n ? out : out.slice(0, n), complete: inflater.complete };
}
