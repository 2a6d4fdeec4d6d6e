import { describe, expect, it } from 'vitest';
import { relativeDistanceCount, relativePositionIndex } from '../../src/models/beit/relative-position-index.js';
import { randomMasking } from '../../src/models/vit-mae/random-masking.js';

describe("BEiT's relative_position_index", () => {
  it('1 x 1 window: the three extra rows around the one patch', () => {
    expect([...relativePositionIndex(1, 1)]).toEqual([3, 1, 2, 0]);
    expect(relativeDistanceCount(1, 1)).toBe(4);
  });

  it('2 x 3 window: patch pairs read (dy + rows − 1)(2·cols − 1) + (dx + cols − 1)', () => {
    const index = relativePositionIndex(2, 3);
    const side = 7;
    const at = (i: number, j: number): number => index[i * side + j];
    expect(relativeDistanceCount(2, 3)).toBe(18);
    expect(at(0, 0)).toBe(17);
    expect([1, 2, 3, 4, 5, 6].map((j) => at(0, j))).toEqual([15, 15, 15, 15, 15, 15]);
    expect([1, 2, 3, 4, 5, 6].map((i) => at(i, 0))).toEqual([16, 16, 16, 16, 16, 16]);
    // Patch 0 at (0, 0) against patch 1 at (0, 1): dy 0, dx −1 → 1·5 + 1.
    expect(at(1, 2)).toBe(6);
    // Patch 5 at (1, 2) against patch 0 at (0, 0): dy 1, dx 2 → 2·5 + 4; the reverse: 0·5 + 0.
    expect(at(6, 1)).toBe(14);
    expect(at(1, 6)).toBe(0);
    // The diagonal is the zero offset.
    for (let i = 1; i < side; i++) expect(at(i, i)).toBe(7);
  });
});

describe("ViTMAE's random masking bookkeeping", () => {
  it('keeps the smallest-noise patches in ascending-noise order; ids_restore inverts the shuffle', () => {
    const m = randomMasking(new Float32Array([0.5, 0.1, 0.9, 0.3, /* image 2 */ 0, 0.2, 0.1, 0.4]), 2, 4, 2);
    expect([...m.idsKeep]).toEqual([1, 3, 0, 2]);
    expect([...m.idsRestore]).toEqual([2, 0, 3, 1, 0, 2, 1, 3]);
    expect([...m.mask]).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
  });

  it('ties keep index order; NaN noise and a wrong shape are errors', () => {
    expect([...randomMasking(new Float32Array(4), 1, 4, 1).idsRestore]).toEqual([0, 1, 2, 3]);
    expect(() => randomMasking(new Float32Array([0, NaN]), 1, 2, 1)).toThrow(/noise\[0, 1\] is NaN/);
    expect(() => randomMasking(new Float32Array(3), 1, 4, 1)).toThrow(/noise must have shape \[1, 4\]/);
  });
});
