/**
 * Small files that declare large images: what the memory regression tests, the fuzzer's seeds and
 * benchmarks/hostile decode. Valid enough for PIL: zero scanlines deflated as one stream (a
 * 16000×11000 RGBA 16-bit PNG fits in 1.37 MB), and a progressive JPEG whose single DC scan is cut
 * short (PIL and libjpeg fill the rest with zeros) in about 100 bytes.
 */
import { createDeflate } from 'node:zlib';
import { pngChunk } from './png-encoder.js';

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface ZeroPngSpec {
  width: number;
  height: number;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  colorType: 0 | 2 | 3 | 4 | 6;
  /** EXIF orientation stored in an eXIf chunk before the image data. */
  orientation?: number;
}

/** A TIFF (big-endian) holding one IFD0 entry: Orientation = `orientation`. */
export function exifOrientationTiff(orientation: number): Uint8Array {
  return Uint8Array.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
}

/** A PNG whose every pixel is 0 (every scanline filter 0), deflated at level 9 as a stream. */
export async function zeroPng(spec: ZeroPngSpec): Promise<Uint8Array> {
  const { width, height, bitDepth, colorType } = spec;
  const rowBytes = 1 + Math.ceil((width * bitDepth * CHANNELS[colorType]) / 8);
  const total = rowBytes * height;
  const deflate = createDeflate({ level: 9, memLevel: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const block = new Uint8Array(Math.min(total, 1 << 20));
  for (let written = 0; written < total; ) {
    const n = Math.min(block.length, total - written);
    if (!deflate.write(block.subarray(0, n))) await new Promise((resolve) => deflate.once('drain', resolve));
    written += n;
  }
  deflate.end();
  await done;
  const idat = Buffer.concat(parts);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const chunks = [pngChunk('IHDR', ihdr)];
  if (colorType === 3) chunks.push(pngChunk('PLTE', new Uint8Array(3)));
  if (spec.orientation !== undefined) chunks.push(pngChunk('eXIf', exifOrientationTiff(spec.orientation)));
  chunks.push(pngChunk('IDAT', new Uint8Array(idat.buffer, idat.byteOffset, idat.byteLength)), pngChunk('IEND', new Uint8Array(0)));
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const out = new Uint8Array(8 + chunks.reduce((n, c) => n + c.length, 0));
  out.set(signature);
  let o = 8;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * A grayscale progressive JPEG of `width` × `height` (at most 65535 each) whose one DC scan holds a
 * few zero bits: about 100 bytes that decode (as libjpeg does, zero-filling the rest) to a flat image.
 */
export function tinyProgressiveJpeg(width: number, height: number): Uint8Array {
  const segment = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body];
  const dqt = segment(0xdb, [0, ...new Array<number>(64).fill(1)]);
  const sof2 = segment(0xc2, [8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  const counts = new Array<number>(16).fill(0);
  counts[0] = 1; // one 1-bit code: DC category 0
  const dht = segment(0xc4, [0x00, ...counts, 0]);
  const sos = segment(0xda, [1, 1, 0x00, 0, 0, 0x00]);
  return Uint8Array.from([0xff, 0xd8, ...dqt, ...sof2, ...dht, ...sos, 0, 0, 0, 0, 0xff, 0xd9]);
}
