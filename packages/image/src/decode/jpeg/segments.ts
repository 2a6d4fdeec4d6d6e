/**
 * JPEG marker segments (libjpeg's jdmarker.c): frame header, quantisation and Huffman tables (DHT
 * slots 0 and 1 fall back to the standard tables, as libjpeg-turbo does), scan headers, and the APP
 * segments that decide the colour space (JFIF, Adobe) and orientation (Exif).
 */

import { ImageError } from '../../errors.js';
import { checkPixelLimit, type DecodeOptions } from '../limits.js';
import { createFrame, type Component, type Frame } from './frame.js';
import { buildHuffmanTable, type HuffmanTable } from './huffman.js';
import type { Scan, ScanComponent } from './scan.js';
import { standardHuffman } from './std-huffman.js';
import { NATURAL_ORDER } from './zigzag.js';

export interface Markers {
  jfif: boolean;
  adobeTransform: number | undefined;
  exif: Uint8Array | undefined;
}

/** Tables and settings in force while walking the file. */
export interface DecodeState {
  frame: Frame | undefined;
  quant: (Int32Array | undefined)[];
  dc: (HuffmanTable | undefined)[];
  ac: (HuffmanTable | undefined)[];
  restartInterval: number;
  scans: number;
  markers: Markers;
}

export function truncated(what: string): ImageError {
  return new ImageError('truncated', `JPEG: image file is truncated (${what})`);
}

export function corrupt(what: string): ImageError {
  return new ImageError('corrupt', `JPEG: corrupt file (${what})`);
}

const startsWith = (d: Uint8Array, text: string): boolean => d.length >= text.length && [...text].every((c, i) => d[i] === c.charCodeAt(0));

export function parseSof(seg: Uint8Array, marker: number, options: DecodeOptions): Frame {
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

export function parseDqt(seg: Uint8Array, st: DecodeState): void {
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

export function parseDht(seg: Uint8Array, st: DecodeState): void {
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

export function parseSos(seg: Uint8Array, st: DecodeState): Scan {
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

/** The APP segments libjpeg and PIL look at before the first scan. */
export function readAppMarker(marker: number, seg: Uint8Array, m: Markers): void {
  if (marker === 0xe0 && seg.length >= 14 && startsWith(seg, 'JFIF\0')) m.jfif = true;
  else if (marker === 0xee && seg.length >= 12 && startsWith(seg, 'Adobe')) m.adobeTransform = seg[11];
  else if (marker === 0xe1 && m.exif === undefined && startsWith(seg, 'Exif\0')) m.exif = seg;
}

