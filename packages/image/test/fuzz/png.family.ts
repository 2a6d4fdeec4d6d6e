// Fuzz family: PNG files. Seeds of every colour type and bit depth, interlaced or not, with palettes,
// EXIF orientations and text chunks; mutations of the bytes, and of IHDR fields and chunk contents
// with their CRC recomputed (so they get past the CRC check to the decoder).
import { crc32 } from 'node:zlib';
import { decodeImage } from '@purevit/image';
import type { FuzzFamily } from '../../../../test-utils/fuzz/family.js';
import { mutateBytes } from '../../../../test-utils/fuzz/mutators.js';
import type { Rng } from '../../../../test-utils/fuzz/rng.js';
import { exifOrientationTiff, zeroPng } from '../helpers/hostile-images.js';
import { CHANNELS, encodePng, type PngSpec } from '../helpers/png-encoder.js';
import { checkImage, declaredImageBytes, FUZZ_MAX_PIXELS } from './image-check.js';

let seeds: Uint8Array[] = [];

const MODES: [PngSpec['colorType'], number][] = [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [2, 8], [2, 16], [3, 1], [3, 4], [3, 8], [4, 8], [4, 16], [6, 8], [6, 16]];

function seedPng(k: number): Uint8Array {
  const [colorType, bitDepth] = MODES[k % MODES.length];
  const width = 3 + ((k * 7) % 13);
  const height = 2 + ((k * 5) % 9);
  const max = 2 ** bitDepth - 1;
  const samples = new Uint16Array(width * height * CHANNELS[colorType]).map((_, i) => (i * 2654435761) % (max + 1));
  const extra: PngSpec['extraChunks'] = [];
  if (k % 3 === 0) extra.push({ type: 'eXIf', data: exifOrientationTiff(1 + (k % 8)) });
  if (k % 4 === 1) extra.push({ type: 'tEXt', data: new TextEncoder().encode('Comment\0fuzz') }, { type: 'iTXt', data: new TextEncoder().encode('XML:com.adobe.xmp\0\0\0\0\0<x tiff:Orientation="6"/>'), after: true });
  return encodePng({
    width,
    height,
    bitDepth,
    colorType,
    interlace: k % 2 === 1,
    samples,
    palette: colorType === 3 ? new Uint8Array(3 * 2 ** bitDepth).map((_, i) => i * 37) : undefined,
    filterFor: (row) => (row + k) % 5,
    idatChunkSize: k % 5 === 0 ? 20 : undefined,
    extraChunks: extra,
  });
}

/** Chunk positions: [offset of the length field, data length]. */
function chunks(png: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let p = 8; p + 12 <= png.length; ) {
    const length = dv.getUint32(p);
    if (p + 12 + length > png.length) break;
    out.push([p, length]);
    p += 12 + length;
  }
  return out;
}

function fixCrc(png: Uint8Array, at: number, length: number): void {
  new DataView(png.buffer, png.byteOffset).setUint32(at + 8 + length, crc32(png.subarray(at + 4, at + 8 + length)));
}

function structured(rng: Rng, seed: Uint8Array): Uint8Array {
  const png = seed.slice();
  const list = chunks(png);
  if (list.length === 0) return png;
  const dv = new DataView(png.buffer, png.byteOffset);
  if (rng.chance(0.5)) {
    // IHDR fields: sizes, bit depth, colour type, interlace.
    const [at] = list[0];
    const field = rng.int(5);
    if (field === 0) dv.setUint32(at + 8, rng.pick([0, 1, 2, 17, 1024, 65535, 1e6, 178956970, 0x7fffffff, 0x80000000, 0xffffffff]));
    else if (field === 1) dv.setUint32(at + 12, rng.pick([0, 1, 3, 1000, 178956970, 0x7fffffff, 0xffffffff]));
    else if (field === 2) png[at + 16] = rng.pick([0, 1, 2, 3, 4, 8, 16, 32]);
    else if (field === 3) png[at + 17] = rng.pick([0, 1, 2, 3, 4, 5, 6, 7]);
    else png[at + 20] = rng.pick([0, 1, 2]);
    fixCrc(png, at, 13);
    return png;
  }
  // A chunk's content: random bytes edited, CRC recomputed.
  const [at, length] = rng.pick(list);
  for (let k = 0; k < 1 + rng.int(4) && length > 0; k++) png[at + 8 + rng.int(length)] = rng.int(256);
  fixCrc(png, at, length);
  return png;
}

const family: FuzzFamily<Uint8Array> = {
  name: 'png',
  async setup() {
    seeds = Array.from({ length: 42 }, (_, k) => seedPng(k));
    seeds.push(await zeroPng({ width: 64, height: 48, bitDepth: 16, colorType: 6, orientation: 6 }), await zeroPng({ width: 1, height: 5000, bitDepth: 8, colorType: 0 }));
  },
  input(rng) {
    const seed = rng.pick(seeds);
    const out = rng.chance(0.5) ? structured(rng, seed) : mutateBytes(rng, seed, seeds);
    return rng.chance(0.2) ? mutateBytes(rng, out) : out;
  },
  declaredBytes: declaredImageBytes,
  run(bytes) {
    checkImage(decodeImage(bytes, { maxPixels: FUZZ_MAX_PIXELS }));
  },
};

export default family;
