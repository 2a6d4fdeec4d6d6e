/**
 * Baseline, extended and progressive Huffman JPEG → RGB, bit-exact with what Pillow 9.4 gets from
 * libjpeg-turbo 2.1 (`Image.open` → `exif_transpose` → `convert('RGB')`): ISLOW IDCT, fancy
 * upsampling, libjpeg's colour-space guess (JFIF / Adobe / component ids) and table-based YCbCr
 * conversion, EXIF orientation from the first APP1 "Exif" segment.
 */

import { ImageError } from '../../errors.js';
import type { RgbImage } from '../../rgb-image.js';
import { exifOrientation } from '../exif.js';
import { checkPixelLimit, type DecodeOptions } from '../limits.js';
import { applyOrientation } from '../orientation.js';
import { cmykToRgb, grayToRgb, rgbPlanesToRgb, yccToRgb } from './color.js';
import { createFrame, type Component, type Frame } from './frame.js';
import { buildHuffmanTable, type HuffmanTable } from './huffman.js';
import { idctIslow } from './idct-islow.js';
import { decodeScan, findMarker, type Scan, type ScanComponent } from './scan.js';
import { standardHuffman } from './std-huffman.js';
import { upsample } from './upsample.js';
import { NATURAL_ORDER } from './zigzag.js';

export type JpegColorSpace = 'grayscale' | 'ycbcr' | 'rgb' | 'cmyk' | 'ycck';

export interface JpegHeader {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly progressive: boolean;
  /** libjpeg's jpeg_color_space guess. */
  readonly colorSpace: JpegColorSpace;
  /** EXIF orientation from the first APP1 Exif segment, if any. */
  readonly orientation: number | undefined;
}

interface Markers {
  jfif: boolean;
  adobeTransform: number | undefined;
  exif: Uint8Array | undefined;
}

function truncated(what: string): ImageError {
  return new ImageError('truncated', `JPEG: image file is truncated (${what})`);
}

function corrupt(what: string): ImageError {
  return new ImageError('corrupt', `JPEG: corrupt file (${what})`);
}

const startsWith = (d: Uint8Array, text: string): boolean => d.length >= text.length && [...text].every((c, i) => d[i] === c.charCodeAt(0));

function colorSpace(frame: { components: readonly { id: number }[] }, m: Markers): JpegColorSpace {
  const n = frame.components.length;
  if (n === 1) return 'grayscale';
  if (n === 3) {
    if (m.jfif) return 'ycbcr';
    if (m.adobeTransform !== undefined) return m.adobeTransform === 0 ? 'rgb' : 'ycbcr';
    const [a, b, c] = frame.components.map((x) => x.id);
    return a === 82 && b === 71 && c === 66 ? 'rgb' : 'ycbcr';
  }
  if (m.adobeTransform !== undefined) return m.adobeTransform === 0 ? 'cmyk' : 'ycck';
  return 'cmyk';
}

function parseSof(seg: Uint8Array, marker: number, options: DecodeOptions): Frame {
  if (seg.length < 6) throw corrupt('short SOF segment');
  const precision = seg[0];
  const height = (seg[1] << 8) | seg[2];
  const width = (seg[3] << 8) | seg[4];
  const n = seg[5];
  if (precision !== 8) throw new ImageError('unsupported', `JPEG: cannot handle ${precision}-bit samples`);
  if (width === 0 || height === 0) throw new ImageError('zero_size', `JPEG: image has zero size (${width}x${height}; DNL is not supported)`);
  if (n !== 1 && n !== 3 && n !== 4) throw new ImageError('unsupported', `JPEG: cannot handle ${n}-component images`);
  if (seg.length < 6 + 3 * n) throw corrupt('short SOF segment');
  const specs = [];
  for (let i = 0; i < n; i++) {
    const p = 6 + 3 * i;
    const h = seg[p + 1] >> 4;
    const v = seg[p + 1] & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt(`bad sampling factors ${h}x${v}`);
    if (seg[p + 2] > 3) throw corrupt(`bad quantization table number ${seg[p + 2]}`);
    specs.push({ id: seg[p], h, v, quantTableId: seg[p + 2] });
  }
  checkPixelLimit('JPEG', width, height, options);
  return createFrame(marker === 0xc2, width, height, specs);
}

interface DecodeState {
  frame: Frame | undefined;
  quant: (Int32Array | undefined)[];
  dc: (HuffmanTable | undefined)[];
  ac: (HuffmanTable | undefined)[];
  restartInterval: number;
  scans: number;
  markers: Markers;
}

function parseDqt(seg: Uint8Array, st: DecodeState): void {
  for (let p = 0; p < seg.length; ) {
    const pq = seg[p] >> 4;
    const tq = seg[p] & 15;
    if (tq > 3 || pq > 1) throw corrupt('bad DQT segment');
    const size = pq ? 128 : 64;
    if (p + 1 + size > seg.length) throw corrupt('short DQT segment');
    const table = new Int32Array(64);
    for (let k = 0; k < 64; k++) table[NATURAL_ORDER[k]] = pq ? (seg[p + 1 + 2 * k] << 8) | seg[p + 2 + 2 * k] : seg[p + 1 + k];
    st.quant[tq] = table;
    p += 1 + size;
  }
}

function parseDht(seg: Uint8Array, st: DecodeState): void {
  for (let p = 0; p < seg.length; ) {
    if (p + 17 > seg.length) throw corrupt('short DHT segment');
    const tc = seg[p] >> 4;
    const th = seg[p] & 15;
    if (tc > 1 || th > 3) throw corrupt('bad DHT segment');
    const counts = seg.subarray(p + 1, p + 17);
    let total = 0;
    for (const c of counts) total += c;
    if (total > 256 || p + 17 + total > seg.length) throw corrupt('bad DHT segment');
    const table = buildHuffmanTable(counts, seg.subarray(p + 17, p + 17 + total));
    (tc === 0 ? st.dc : st.ac)[th] = table;
    p += 17 + total;
  }
}

function huffmanFor(st: DecodeState, isDc: boolean, slot: number): HuffmanTable {
  const tables = isDc ? st.dc : st.ac;
  let table = tables[slot];
  if (!table) {
    const std = standardHuffman(isDc, slot);
    if (!std) throw corrupt(`Huffman table ${slot} was not defined`);
    table = tables[slot] = buildHuffmanTable(std.counts, std.symbols);
  }
  return table;
}

function parseSos(seg: Uint8Array, st: DecodeState): Scan {
  const frame = st.frame;
  if (!frame) throw corrupt('SOS before SOF');
  const ns = seg[0];
  if (ns < 1 || ns > 4 || seg.length < 4 + 2 * ns) throw corrupt('bad SOS segment');
  const ss = seg[1 + 2 * ns];
  const se = seg[2 + 2 * ns];
  const ah = seg[3 + 2 * ns] >> 4;
  const al = seg[3 + 2 * ns] & 15;
  if (frame.progressive) {
    const bad = ss === 0 ? se !== 0 : ns !== 1 || se < ss || se > 63;
    if (bad || (ah !== 0 && al !== ah - 1) || al > 10) throw corrupt(`invalid progressive scan parameters Ss=${ss} Se=${se} Ah=${ah} Al=${al}`);
  }
  const components: ScanComponent[] = [];
  let blocksInMcu = 0;
  for (let i = 0; i < ns; i++) {
    const id = seg[1 + 2 * i];
    const component = frame.components.find((c) => c.id === id);
    if (!component || components.some((s) => s.component === component)) throw corrupt(`bad component id ${id} in SOS`);
    const td = seg[2 + 2 * i] >> 4;
    const ta = seg[2 + 2 * i] & 15;
    const needDc = !frame.progressive || (ss === 0 && ah === 0);
    const needAc = !frame.progressive || ss > 0;
    components.push({ component, dc: needDc ? huffmanFor(st, true, td) : undefined, ac: needAc ? huffmanFor(st, false, ta) : undefined });
    blocksInMcu += ns === 1 ? 1 : component.h * component.v;
  }
  if (blocksInMcu > 10) throw corrupt('too many blocks in an MCU');
  for (const { component } of components) latchQuant(component, st);
  return { components, ss, se, ah, al, restartInterval: st.restartInterval };
}

function latchQuant(c: Component, st: DecodeState): void {
  if (c.quant) return;
  const q = st.quant[c.quantTableId];
  if (!q) throw corrupt(`quantization table ${c.quantTableId} was not defined`);
  c.quant = q.slice();
}

/** IDCT of a component's real blocks into a sample plane. */
function componentPlane(c: Component): { data: Uint8Array; width: number; height: number; stride: number } {
  const stride = c.widthInBlocks * 8;
  const data = new Uint8Array(stride * c.heightInBlocks * 8); // [heightInBlocks*8, widthInBlocks*8]
  // A component no scan ever covered has no table: libjpeg's zeroed multipliers give flat 128.
  const quant = c.quant ?? new Int32Array(64);
  for (let by = 0; by < c.heightInBlocks; by++) {
    for (let bx = 0; bx < c.widthInBlocks; bx++) {
      idctIslow(c.coefficients, (by * c.blocksPerLine + bx) * 64, quant, data, by * 8 * stride + bx * 8, stride);
    }
  }
  return { data, width: c.downsampledWidth, height: c.downsampledHeight, stride };
}

function walk(bytes: Uint8Array, options: DecodeOptions, headerOnly: boolean): { st: DecodeState; complete: boolean } {
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) throw new ImageError('unknown_format', 'not a JPEG file');
  const st: DecodeState = { frame: undefined, quant: [], dc: [], ac: [], restartInterval: 0, scans: 0, markers: { jfif: false, adobeTransform: undefined, exif: undefined } };
  let p = 2;
  let lastScanComplete = false;
  for (;;) {
    const m = findMarker(bytes, p);
    if (m < 0) {
      if (!st.frame) throw truncated('no frame header');
      if (st.scans === 0) throw truncated('no scan data');
      // Without EOI libjpeg cannot know a multi-scan image is finished; PIL reports truncation.
      const singleScan = !st.frame.progressive && st.scans === 1;
      return { st, complete: singleScan && lastScanComplete };
    }
    const marker = bytes[m];
    p = m + 1;
    if (marker === 0xd9) return { st, complete: true }; // EOI
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // SOI / RSTn / TEM: no payload
    if (marker < 0xc0 || marker === 0xc8 || (marker >= 0xf0 && marker <= 0xfd)) {
      // libjpeg's read_markers knows no other markers (JERR_UNKNOWN_MARKER); PIL: "no marker found".
      throw corrupt(`unknown marker 0xFF${marker.toString(16).toUpperCase().padStart(2, '0')} at byte ${m - 1}`);
    }
    if (p + 2 > bytes.length) throw truncated('marker segment');
    const length = (bytes[p] << 8) | bytes[p + 1];
    if (length < 2) throw corrupt(`bad segment length at byte ${p}`);
    if (p + length > bytes.length) throw truncated(`segment 0xFF${marker.toString(16).toUpperCase()} at byte ${m - 1}`);
    const seg = bytes.subarray(p + 2, p + length);
    p += length;

    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (st.frame) throw corrupt('more than one frame header');
      st.frame = parseSof(seg, marker, options);
    } else if (marker === 0xc3 || (marker >= 0xc5 && marker <= 0xcf && marker !== 0xcc)) {
      const kind = marker >= 0xc9 ? 'arithmetic-coded' : marker === 0xc3 ? 'lossless' : 'hierarchical';
      throw new ImageError('unsupported', `JPEG: ${kind} JPEG (SOF 0xFF${marker.toString(16).toUpperCase()}) is not supported`);
    } else if (marker === 0xc4) {
      parseDht(seg, st);
    } else if (marker === 0xdb) {
      parseDqt(seg, st);
    } else if (marker === 0xdd) {
      if (seg.length < 2) throw corrupt('short DRI segment');
      st.restartInterval = (seg[0] << 8) | seg[1];
    } else if (marker === 0xda) {
      // jpeg_read_header reads every marker up to the first scan.
      if (headerOnly) return { st, complete: false };
      const scan = parseSos(seg, st);
      st.scans++;
      p = decodeScan(bytes, p, st.frame!, scan);
      lastScanComplete = true;
    } else if (st.scans === 0) {
      readAppMarker(marker, seg, st.markers);
    }
  }
}

/** The APP segments libjpeg and PIL look at before the first scan. */
function readAppMarker(marker: number, seg: Uint8Array, m: Markers): void {
  if (marker === 0xe0 && seg.length >= 14 && startsWith(seg, 'JFIF\0')) m.jfif = true;
  else if (marker === 0xee && seg.length >= 12 && startsWith(seg, 'Adobe')) m.adobeTransform = seg[11];
  else if (marker === 0xe1 && m.exif === undefined && startsWith(seg, 'Exif\0')) m.exif = seg;
}

/** Size, components and colour space from the headers, allocating no pixel memory. */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  const { st } = walk(bytes, { maxPixels: Infinity }, true);
  if (!st.frame) throw truncated('no frame header');
  return header(st);
}

function header(st: DecodeState): JpegHeader {
  const f = st.frame!;
  return {
    width: f.width,
    height: f.height,
    components: f.components.length,
    progressive: f.progressive,
    colorSpace: colorSpace(f, st.markers),
    orientation: st.markers.exif ? exifOrientation(st.markers.exif) : undefined,
  };
}

/**
 * Parses and entropy-decodes the whole file: the frame with every component's quantised DCT
 * coefficients and latched quantisation table (before IDCT), and the header.
 */
export function decodeJpegCoefficients(bytes: Uint8Array, options: DecodeOptions = {}): { frame: Frame; header: JpegHeader } {
  const { st, complete } = walk(bytes, options, false);
  if (!complete) throw truncated('no end-of-image marker after the scans');
  return { frame: st.frame!, header: header(st) };
}

export function decodeJpeg(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage & { header: JpegHeader } {
  const { frame, header: info } = decodeJpegCoefficients(bytes, options);
  const { width, height, maxH, maxV } = frame;
  const planes = frame.components.map((c) => upsample(componentPlane(c), c.h, c.v, maxH, maxV, width, height));
  const out = new Uint8Array(width * height * 3); // [height, width, 3]
  switch (info.colorSpace) {
    case 'grayscale': grayToRgb(planes[0], out); break;
    case 'ycbcr': yccToRgb(planes[0], planes[1], planes[2], out); break;
    case 'rgb': rgbPlanesToRgb(planes[0], planes[1], planes[2], out); break;
    default: cmykToRgb(planes[0], planes[1], planes[2], planes[3], info.colorSpace === 'ycck', out);
  }
  const image = applyOrientation({ data: out, width, height }, info.orientation);
  return { ...image, header: info };
}
