/**
 * Baseline JPEG entropy encoder for tests: re-emits already-quantised DCT coefficients (e.g. what
 * the decoder extracted from a golden file) with the standard Huffman tables, optional restart
 * markers, interleaved or per-component scans, JFIF / Adobe markers. Independent of the decoder's
 * entropy decoding, so decoding the output must reproduce the original image exactly.
 */

import { NATURAL_ORDER } from '@purevit/image/decode/jpeg/zigzag';
import { standardHuffman } from '@purevit/image/decode/jpeg/std-huffman';

export interface CoefficientComponent {
  id: number;
  h: number;
  v: number;
  /** natural order */
  quant: Int32Array;
  /** [rows of blocks, blocksPerLine, 64] natural order */
  coefficients: Int16Array;
  blocksPerLine: number;
}

export interface EncodeOptions {
  width: number;
  height: number;
  components: CoefficientComponent[];
  restartInterval?: number;
  /** One scan per component instead of one interleaved scan. */
  separateScans?: boolean;
  jfif?: boolean;
  adobeTransform?: number;
  /** Leave out DHT: decoders must fall back to the standard tables (Motion-JPEG style). */
  omitDht?: boolean;
}

interface Code {
  code: Int32Array;
  size: Int32Array;
}

function codes(counts: Uint8Array, symbols: Uint8Array): Code {
  const code = new Int32Array(256);
  const size = new Int32Array(256);
  let c = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < counts[len - 1]; i++, k++) {
      code[symbols[k]] = c++;
      size[symbols[k]] = len;
    }
    c <<= 1;
  }
  return { code, size };
}

class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.n = 0;
  }

  /** Pads the last byte with 1-bits. */
  align(): void {
    while (this.n !== 0) this.write(1, 1);
  }

  marker(m: number): void {
    this.bytes.push(0xff, m);
  }
}

function category(v: number): number {
  let a = Math.abs(v);
  let n = 0;
  while (a) {
    n++;
    a >>= 1;
  }
  return n;
}

function segment(marker: number, payload: number[]): number[] {
  return [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
}

export function encodeBaselineJpeg(o: EncodeOptions): Uint8Array {
  const out: number[] = [0xff, 0xd8];
  if (o.jfif) out.push(...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  if (o.adobeTransform !== undefined) out.push(...segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, o.adobeTransform]));
  // One quantisation table per component, in zigzag order (16-bit precision where needed).
  o.components.forEach((c, i) => {
    const wide = c.quant.some((q) => q > 255);
    const payload = [(wide ? 0x10 : 0) | i];
    for (let k = 0; k < 64; k++) {
      const q = c.quant[NATURAL_ORDER[k]];
      if (wide) payload.push(q >> 8, q & 255);
      else payload.push(q);
    }
    out.push(...segment(0xdb, payload));
  });
  const { width, height } = o;
  out.push(...segment(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, o.components.length, ...o.components.flatMap((c, i) => [c.id, (c.h << 4) | c.v, i])]));
  const tables = [0, 1].map((slot) => {
    const dc = standardHuffman(true, slot)!;
    const ac = standardHuffman(false, slot)!;
    if (!o.omitDht) {
      out.push(...segment(0xc4, [slot, ...dc.counts, ...dc.symbols]));
      out.push(...segment(0xc4, [0x10 | slot, ...ac.counts, ...ac.symbols]));
    }
    return { dc: codes(dc.counts, dc.symbols), ac: codes(ac.counts, ac.symbols) };
  });
  if (o.restartInterval) out.push(...segment(0xdd, [o.restartInterval >> 8, o.restartInterval & 255]));

  const maxH = Math.max(...o.components.map((c) => c.h));
  const maxV = Math.max(...o.components.map((c) => c.v));
  const scans = o.separateScans ? o.components.map((c) => [c]) : [o.components];
  for (const scan of scans) {
    out.push(...segment(0xda, [scan.length, ...scan.flatMap((c) => [c.id, o.components.indexOf(c) === 0 ? 0x00 : 0x11]), 0, 63, 0]));
    const w = new BitWriter();
    const pred = new Map<CoefficientComponent, number>(scan.map((c) => [c, 0]));
    const encodeBlock = (c: CoefficientComponent, offset: number): void => {
      const t = tables[o.components.indexOf(c) === 0 ? 0 : 1];
      const dc = c.coefficients[offset];
      const diff = dc - pred.get(c)!;
      pred.set(c, dc);
      const s = category(diff);
      w.write(t.dc.code[s], t.dc.size[s]);
      if (s) w.write(diff < 0 ? diff - 1 + (1 << s) : diff, s);
      let run = 0;
      for (let k = 1; k < 64; k++) {
        const v = c.coefficients[offset + NATURAL_ORDER[k]];
        if (v === 0) {
          run++;
          continue;
        }
        while (run > 15) {
          w.write(t.ac.code[0xf0], t.ac.size[0xf0]);
          run -= 16;
        }
        const size = category(v);
        const sym = (run << 4) | size;
        w.write(t.ac.code[sym], t.ac.size[sym]);
        w.write(v < 0 ? v - 1 + (1 << size) : v, size);
        run = 0;
      }
      if (run > 0) w.write(t.ac.code[0], t.ac.size[0]);
    };
    const single = scan.length === 1;
    const c0 = scan[0];
    const mcusPerLine = single ? Math.ceil(Math.ceil((width * c0.h) / maxH) / 8) : Math.ceil(width / (8 * maxH));
    const mcuRows = single ? Math.ceil(Math.ceil((height * c0.v) / maxV) / 8) : Math.ceil(height / (8 * maxV));
    let rst = 0;
    for (let mcu = 0; mcu < mcusPerLine * mcuRows; mcu++) {
      if (o.restartInterval && mcu > 0 && mcu % o.restartInterval === 0) {
        w.align();
        w.marker(0xd0 + rst);
        rst = (rst + 1) & 7;
        for (const c of scan) pred.set(c, 0);
      }
      const row = Math.floor(mcu / mcusPerLine);
      const col = mcu % mcusPerLine;
      for (const c of scan) {
        if (single) {
          encodeBlock(c, (row * c.blocksPerLine + col) * 64);
        } else {
          for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) encodeBlock(c, ((row * c.v + v) * c.blocksPerLine + col * c.h + h) * 64);
        }
      }
    }
    w.align();
    out.push(...w.bytes);
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
