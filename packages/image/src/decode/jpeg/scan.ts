/**
 * Entropy decoding of one scan (libjpeg's jdhuff.c / jdphuff.c semantics): sequential Huffman,
 * and the four progressive procedures (DC first / refine, AC first / refine with EOB runs),
 * interleaved or not, with restart intervals.
 */

import { ImageError } from '../../errors.js';
import { BitReader } from './bit-reader.js';
import type { Component, Frame } from './frame.js';
import { decodeSymbol, type HuffmanTable } from './huffman.js';
import { NATURAL_ORDER } from './zigzag.js';

export interface ScanComponent {
  readonly component: Component;
  readonly dc: HuffmanTable | undefined;
  readonly ac: HuffmanTable | undefined;
}

export interface Scan {
  readonly components: readonly ScanComponent[];
  /** Spectral selection start/end and successive approximation high/low bits. */
  readonly ss: number;
  readonly se: number;
  readonly ah: number;
  readonly al: number;
  readonly restartInterval: number;
}

type BlockDecoder = (r: BitReader, sc: ScanComponent, coefs: Int16Array, offset: number, state: State) => void;

interface State {
  /** DC predictors, one per scan component. */
  pred: Int32Array;
  eobrun: number;
  /** Index of the scan component being decoded (for its predictor). */
  ci: number;
}

const decodeSequential: BlockDecoder = (r, sc, coefs, off, state) => {
  const t = decodeSymbol(r, sc.dc!);
  const diff = t === 0 ? 0 : r.receiveExtend(t);
  state.pred[state.ci] += diff;
  coefs[off] = state.pred[state.ci];
  const ac = sc.ac!;
  for (let k = 1; k < 64; k++) {
    const rs = decodeSymbol(r, ac);
    const s = rs & 15;
    const run = rs >> 4;
    if (s) {
      k += run;
      coefs[off + NATURAL_ORDER[k]] = r.receiveExtend(s);
    } else {
      if (run !== 15) break;
      k += 15;
    }
  }
};

function makeDcFirst(al: number): BlockDecoder {
  return (r, sc, coefs, off, state) => {
    const t = decodeSymbol(r, sc.dc!);
    const diff = t === 0 ? 0 : r.receiveExtend(t);
    state.pred[state.ci] += diff;
    // libjpeg: (JCOEF)((unsigned)s << Al)
    coefs[off] = state.pred[state.ci] * (1 << al);
  };
}

function makeDcRefine(al: number): BlockDecoder {
  return (r, _sc, coefs, off) => {
    if (r.bits(1)) coefs[off] |= 1 << al;
  };
}

function makeAcFirst(ss: number, se: number, al: number): BlockDecoder {
  return (r, sc, coefs, off, state) => {
    if (state.eobrun > 0) {
      state.eobrun--;
      return;
    }
    const ac = sc.ac!;
    for (let k = ss; k <= se; k++) {
      const rs = decodeSymbol(r, ac);
      const s = rs & 15;
      const run = rs >> 4;
      if (s) {
        k += run;
        coefs[off + NATURAL_ORDER[k]] = r.receiveExtend(s) * (1 << al);
      } else if (run === 15) {
        k += 15;
      } else {
        state.eobrun = (1 << run) - 1;
        if (run) state.eobrun += r.bits(run);
        break;
      }
    }
  };
}

function makeAcRefine(ss: number, se: number, al: number): BlockDecoder {
  const p1 = 1 << al;
  const m1 = -1 * (1 << al);
  const refine = (r: BitReader, coefs: Int16Array, pos: number): void => {
    if (r.bits(1) && (coefs[pos] & p1) === 0) coefs[pos] += coefs[pos] >= 0 ? p1 : m1;
  };
  return (r, sc, coefs, off, state) => {
    let k = ss;
    if (state.eobrun === 0) {
      const ac = sc.ac!;
      for (; k <= se; k++) {
        const rs = decodeSymbol(r, ac);
        let s = rs & 15;
        let run = rs >> 4;
        if (s) {
          s = r.bits(1) ? p1 : m1;
        } else if (run !== 15) {
          state.eobrun = 1 << run;
          if (run) state.eobrun += r.bits(run);
          break;
        }
        // Skip `run` still-zero coefficients, refining the nonzero ones passed on the way.
        do {
          const pos = off + NATURAL_ORDER[k];
          if (coefs[pos] !== 0) refine(r, coefs, pos);
          else if (--run < 0) break;
          k++;
        } while (k <= se);
        if (s) coefs[off + NATURAL_ORDER[k]] = s;
      }
    }
    if (state.eobrun > 0) {
      for (; k <= se; k++) {
        const pos = off + NATURAL_ORDER[k];
        if (coefs[pos] !== 0) refine(r, coefs, pos);
      }
      state.eobrun--;
    }
  };
}

function blockDecoder(frame: Frame, scan: Scan): BlockDecoder {
  const { ss, se, ah, al } = scan;
  if (!frame.progressive) return decodeSequential;
  if (ss === 0) return ah === 0 ? makeDcFirst(al) : makeDcRefine(al);
  return ah === 0 ? makeAcFirst(ss, se, al) : makeAcRefine(ss, se, al);
}

/** Position of the next marker code byte at or after `pos` (after its 0xFF fill bytes), skipping data bytes. */
export function findMarker(data: Uint8Array, pos: number): number {
  let p = pos;
  for (;;) {
    while (p < data.length && data[p] !== 0xff) p++;
    while (p < data.length && data[p] === 0xff) p++;
    if (p >= data.length) return -1;
    if (data[p] !== 0) return p;
  }
}

/** Skips to the restart marker expected at `pos` and returns the position after it. */
function readRestartMarker(data: Uint8Array, pos: number, expected: number): number {
  const p = findMarker(data, pos);
  if (p < 0) throw new ImageError('truncated', 'JPEG: image file is truncated (missing restart marker)');
  const marker = data[p];
  if (marker !== 0xd0 + expected) {
    throw new ImageError('corrupt', `JPEG: corrupt data (expected restart marker RST${expected}, found 0xFF${marker.toString(16).toUpperCase()})`);
  }
  return p + 1;
}

/** Decodes one scan starting at `start`; returns the position where its entropy-coded data ends. */
export function decodeScan(data: Uint8Array, start: number, frame: Frame, scan: Scan): number {
  const decode = blockDecoder(frame, scan);
  const reader = new BitReader(data, start);
  const state: State = { pred: new Int32Array(scan.components.length), eobrun: 0, ci: 0 };
  const single = scan.components.length === 1;

  // A single-component scan covers only the component's own blocks, one block per MCU.
  const first = scan.components[0].component;
  const mcusPerLine = single ? first.widthInBlocks : frame.mcusPerLine;
  const mcuRows = single ? first.heightInBlocks : frame.mcusPerColumn;
  const total = mcusPerLine * mcuRows;
  let restartsToGo = scan.restartInterval;
  let nextRst = 0;

  for (let mcu = 0; mcu < total; mcu++) {
    if (scan.restartInterval && restartsToGo === 0) {
      const after = readRestartMarker(data, reader.dataEnd(), nextRst);
      nextRst = (nextRst + 1) & 7;
      reader.reset(after);
      state.pred.fill(0);
      state.eobrun = 0;
      restartsToGo = scan.restartInterval;
    }
    // After running into a marker libjpeg leaves the rest of the interval as it is.
    if (!reader.insufficient) {
      const mcuRow = Math.floor(mcu / mcusPerLine);
      const mcuCol = mcu - mcuRow * mcusPerLine;
      for (let ci = 0; ci < scan.components.length; ci++) {
        const sc = scan.components[ci];
        const c = sc.component;
        state.ci = ci;
        if (single) {
          decode(reader, sc, c.coefficients, (mcuRow * c.blocksPerLine + mcuCol) * 64, state);
        } else {
          for (let v = 0; v < c.v; v++) {
            const row = mcuRow * c.v + v;
            for (let h = 0; h < c.h; h++) {
              decode(reader, sc, c.coefficients, (row * c.blocksPerLine + mcuCol * c.h + h) * 64, state);
            }
          }
        }
      }
    }
    restartsToGo--;
  }
  return reader.dataEnd();
}
