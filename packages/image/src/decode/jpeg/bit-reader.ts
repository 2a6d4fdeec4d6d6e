/**
 * Reads the entropy-coded data of a JPEG scan, MSB first, undoing 0xFF00 byte stuffing, with
 * libjpeg's fill_bit_buffer rules: a marker ends the data and zero bits stand in after it; once such
 * zero bits are actually consumed `insufficient` is set (libjpeg then leaves the rest of the
 * restart interval untouched). Running off the end of the file is a truncation error, as for PIL.
 */

import { ImageError } from '../../errors.js';

export class BitReader {
  /** Next unread byte; once a marker is reached, the position of its (last) 0xFF. */
  pos: number;
  private buf = 0;
  private count = 0;
  /** Zero bits at the low end of `buf` that are padding, not data. */
  private padBits = 0;
  private atMarker = false;
  private atEof = false;
  /** True once zero bits past a marker were consumed (libjpeg's `insufficient_data`). */
  insufficient = false;

  constructor(
    private readonly data: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  private fill(): void {
    const data = this.data;
    while (this.count <= 24) {
      let byte = 0;
      let pad = this.atMarker || this.atEof;
      if (!pad) {
        if (this.pos >= data.length) {
          this.atEof = pad = true;
        } else if (data[this.pos] !== 0xff) {
          byte = data[this.pos++];
        } else {
          // libjpeg skips a run of 0xFF fill bytes: FF..FF 00 is one data 0xFF, FF..FF xx a marker.
          let p = this.pos + 1;
          while (p < data.length && data[p] === 0xff) p++;
          if (p >= data.length) {
            this.atEof = pad = true;
          } else if (data[p] === 0) {
            byte = 0xff;
            this.pos = p + 1;
          } else {
            this.atMarker = pad = true;
            this.pos = p - 1;
          }
        }
      }
      if (pad) this.padBits += 8;
      this.buf = ((this.buf << 8) | byte) >>> 0;
      this.count += 8;
    }
  }

  private checkPadding(): void {
    if (this.count < this.padBits) {
      if (this.atEof) throw new ImageError('truncated', 'JPEG: image file is truncated (compressed data ends early)');
      this.insufficient = true;
    }
  }

  /** The next `n` (≤ 16) bits without consuming them. */
  peek(n: number): number {
    if (this.count < n) this.fill();
    return (this.buf >>> (this.count - n)) & ((1 << n) - 1);
  }

  skip(n: number): void {
    this.count -= n;
    this.checkPadding();
  }

  bits(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    const v = (this.buf >>> (this.count - n)) & ((1 << n) - 1);
    this.count -= n;
    this.checkPadding();
    return v;
  }

  /** JPEG's receive + extend: `n` bits as a signed magnitude-category value. */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    const v = this.bits(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  /**
   * Byte position where the data before the next marker ends: buffered whole bytes that were not
   * consumed are handed back (only meaningful when no marker was reached).
   */
  dataEnd(): number {
    return this.atMarker || this.atEof ? this.pos : this.pos - ((this.count - this.padBits) >> 3);
  }

  /** Starts afresh at `pos` (after a restart marker). */
  reset(pos: number): void {
    this.pos = pos;
    this.buf = 0;
    this.count = 0;
    this.padBits = 0;
    this.atMarker = false;
    this.atEof = false;
    this.insufficient = false;
  }
}
