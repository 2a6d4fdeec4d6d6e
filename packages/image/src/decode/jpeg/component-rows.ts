/**
 * A component's samples, produced by block row on demand: the IDCT of one row of 8×8 blocks at a
 * time into a small cache (libjpeg's row groups), instead of a full sample plane. Upsampling reads
 * at most two neighbouring component rows per output row, so three cached block rows suffice.
 */

import type { Component } from './frame.js';
import { idctIslow } from './idct-islow.js';
import type { RowSource } from './upsample.js';

const SLOTS = 3;

export function componentRows(c: Component): RowSource {
  const stride = c.widthInBlocks * 8;
  // A component no scan ever covered has no table: libjpeg's zeroed multipliers give flat 128.
  const quant = c.quant ?? new Int32Array(64);
  const slots: { blockRow: number; data: Uint8Array }[] = [];
  const blockRow = (by: number): Uint8Array => {
    const hit = slots.find((s) => s.blockRow === by);
    if (hit) return hit.data;
    let slot: { blockRow: number; data: Uint8Array };
    if (slots.length < SLOTS) {
      slot = { blockRow: by, data: new Uint8Array(8 * stride) }; // [8, widthInBlocks*8]
      slots.push(slot);
    } else {
      // Rows are read in increasing order, with one row of look-back: drop the farthest one.
      slot = slots.reduce((a, b) => (Math.abs(a.blockRow - by) >= Math.abs(b.blockRow - by) ? a : b));
      slot.blockRow = by;
    }
    for (let bx = 0; bx < c.widthInBlocks; bx++) {
      idctIslow(c.coefficients, (by * c.blocksPerLine + bx) * 64, quant, slot.data, bx * 8, stride);
    }
    return slot.data;
  };
  const last = c.downsampledHeight - 1;
  return (r) => {
    const row = r < 0 ? 0 : r > last ? last : r;
    return { data: blockRow(row >> 3), offset: (row & 7) * stride };
  };
}
