/**
 * JPEG Huffman tables (DHT): canonical codes up to 16 bits, decoded with a 9-bit lookahead table
 * and a per-length fallback, as libjpeg does.
 */

import { ImageError } from '../../errors.js';
import type { BitReader } from './bit-reader.js';

const LOOKAHEAD = 9;

export interface HuffmanTable {
  /** [1 << LOOKAHEAD]: code length << 8 | symbol, or 0 when the code is longer */
  readonly lookup: Int32Array;
  /** [18] largest code of each length (-1 if none); index 17 is a sentinel */
  readonly maxCode: Int32Array;
  /** [17] symbol index offset of each length */
  readonly valOffset: Int32Array;
  readonly symbols: Uint8Array;
}

/** Builds a table from DHT's 16 code counts and symbol list. */
export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const lookup = new Int32Array(1 << LOOKAHEAD);
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    valOffset[len] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= LOOKAHEAD) {
        const shift = LOOKAHEAD - len;
        const entry = (len << 8) | symbols[k];
        for (let j = code << shift, end = (code + 1) << shift; j < end; j++) lookup[j] = entry;
      }
    }
    if (n > 0) maxCode[len] = code - 1;
    // libjpeg rejects code sets that overflow their length, the all-ones code included.
    if (n > 0 && code >= 1 << len) throw new ImageError('corrupt', 'JPEG: bad Huffman table');
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  return { lookup, maxCode, valOffset, symbols };
}

export function decodeSymbol(reader: BitReader, table: HuffmanTable): number {
  const entry = table.lookup[reader.peek(LOOKAHEAD)];
  if (entry !== 0) {
    reader.skip(entry >> 8);
    return entry & 0xff;
  }
  let code = reader.peek(LOOKAHEAD);
  let len = LOOKAHEAD;
  reader.skip(LOOKAHEAD);
  while (code > table.maxCode[len]) {
    code = (code << 1) | reader.bits(1);
    len++;
    if (len > 16) throw new ImageError('corrupt', 'JPEG: corrupt data (bad Huffman code)');
  }
  return table.symbols[code + table.valOffset[len]];
}
