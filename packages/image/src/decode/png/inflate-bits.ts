/** The LSB-first bit reader of a deflate stream; reading past the input is a truncation error when consumed. */

import { ImageError } from '../../errors.js';
import { corrupt, type HuffmanTable } from './inflate-tables.js';

export class BitReader {
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
