/**
 * A small PNG encoder for tests, independent of the decoder under test: forward filters, Adam7
 * interlacing, any bit depth / colour type, Node's zlib for deflate and CRC-32.
 */
import { crc32, deflateSync } from 'node:zlib';

export interface PngSpec {
  width: number;
  height: number;
  bitDepth: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  interlace: boolean;
  /** [height, width, channels] raw sample values */
  samples: Uint16Array;
  palette?: Uint8Array;
  /** Filter type (0..4) for the n-th row written. */
  filterFor: (rowIndex: number) => number;
  /** Split the zlib stream over IDAT chunks of at most this many bytes. */
  idatChunkSize?: number;
  /** Extra chunks, placed before the image data unless `after`. */
  extraChunks?: { type: string; data: Uint8Array; after?: boolean }[];
}

export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function packRow(spec: PngSpec, pixels: number[][]): Uint8Array {
  const bits = spec.bitDepth;
  const values = pixels.flat();
  const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
  values.forEach((v, i) => {
    if (bits === 16) {
      out[2 * i] = v >> 8;
      out[2 * i + 1] = v & 255;
    } else if (bits === 8) {
      out[i] = v;
    } else {
      const bitPos = i * bits;
      out[bitPos >> 3] |= v << (8 - bits - (bitPos & 7));
    }
  });
  return out;
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

export function encodePng(spec: PngSpec): Uint8Array {
  const ch = CHANNELS[spec.colorType];
  const bpp = Math.max(1, (spec.bitDepth * ch) >> 3);
  const pixel = (x: number, y: number): number[] => Array.from(spec.samples.subarray((y * spec.width + x) * ch, (y * spec.width + x + 1) * ch));
  const passes = spec.interlace ? ADAM7 : [[0, 0, 1, 1]];
  const raw: number[] = [];
  let rowIndex = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((spec.width - x0) / dx);
    const ph = Math.ceil((spec.height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    let prev: Uint8Array = new Uint8Array(0);
    for (let j = 0; j < ph; j++) {
      const y = y0 + j * dy;
      const row = packRow(spec, Array.from({ length: pw }, (_, i) => pixel(x0 + i * dx, y)));
      const up = prev.length ? prev : new Uint8Array(row.length);
      const f = spec.filterFor(rowIndex++);
      raw.push(f);
      for (let i = 0; i < row.length; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = up[i];
        const c = i >= bpp ? up[i - bpp] : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        raw.push((row[i] - pred) & 255);
      }
      prev = row;
    }
  }
  const z = new Uint8Array(deflateSync(Uint8Array.from(raw)));
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, spec.width);
  dv.setUint32(4, spec.height);
  ihdr.set([spec.bitDepth, spec.colorType, 0, 0, spec.interlace ? 1 : 0], 8);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (spec.palette) parts.push(chunk('PLTE', spec.palette));
  for (const c of spec.extraChunks ?? []) if (!c.after) parts.push(chunk(c.type, c.data));
  const size = spec.idatChunkSize ?? z.length;
  for (let i = 0; i < z.length; i += size) parts.push(chunk('IDAT', z.subarray(i, i + size)));
  for (const c of spec.extraChunks ?? []) if (c.after) parts.push(chunk(c.type, c.data));
  parts.push(chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export { chunk as pngChunk };
