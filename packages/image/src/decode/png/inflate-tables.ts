/**
 * Deflate's Huffman codes (RFC 1951 §3.2.5–3.2.7): the length and distance tables, canonical code
 * construction as single-level lookup tables, the fixed codes and the dynamic block header.
 */

import { ImageError } from '../../errors.js';
import type { BitReader } from './inflate-bits.js';

export const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
export const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
export const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
export const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code as a single-level lookup table indexed by the next `bits` input bits. */
export interface HuffmanTable {
  /** [1 << bits]: symbol << 4 | code length; 0 marks a bit pattern no code starts with */
  readonly entries: Int32Array;
  readonly bits: number;
}

export function corrupt(message: string): ImageError {
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
export function fixed(): { lit: HuffmanTable; dist: HuffmanTable } {
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

export function readDynamicTables(br: BitReader): { lit: HuffmanTable; dist: HuffmanTable } {
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
