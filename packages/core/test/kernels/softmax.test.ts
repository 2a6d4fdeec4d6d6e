import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { softmax, softmaxReference } from '@purevit/core';
import { awkwardSize, expectClose, randomArray, seed } from '../helpers/random.js';

function both(x: Float32Array, rows: number, cols: number): [Float32Array, Float32Array] {
  const a = new Float32Array(rows * cols);
  const e = new Float32Array(rows * cols);
  softmax(x, rows, cols, a);
  softmaxReference(x, rows, cols, e);
  return [a, e];
}

describe('softmax', () => {
  it('matches the reference and rows sum to 1 (random shapes and scales)', () => {
    fc.assert(
      fc.property(awkwardSize(40), awkwardSize(300), seed, fc.constantFrom(1, 10, 100, 1e4), (rows, cols, s, scale) => {
        const x = randomArray(rows * cols, s, scale);
        const [a, e] = both(x, rows, cols);
        expectClose(a, e, 1e-6, 1e-30, 'softmax');
        for (let r = 0; r < rows; r++) {
          let sum = 0;
          for (let j = 0; j < cols; j++) sum += a[r * cols + j];
          expect(Math.abs(sum - 1)).toBeLessThanOrEqual(cols * 1.2e-7);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is stable for overflow, underflow and ±1000', () => {
    const rows = [
      [1000, 1000, 999], // exp would overflow without the max shift
      [-1000, -1000, -999], // and underflow to 0/0
      [1000, -1000, 0],
      [3e38, 3e38, -3e38],
      [-1e30, 0, 1e-30],
      [88, 89, 90],
    ];
    const x = Float32Array.from(rows.flat());
    const [a, e] = both(x, rows.length, 3);
    expectClose(a, e, 1e-6, 1e-30, 'edge');
    expect(a[0]).toBeCloseTo(1 / (2 + Math.exp(-1)), 6);
    expect(a[2]).toBeCloseTo(Math.exp(-1) / (2 + Math.exp(-1)), 6);
    expect(a[5]).toBeCloseTo(1 / (1 + 2 * Math.exp(-1)), 6);
    expect(Array.from(a.subarray(6, 9))).toEqual([1, 0, 0]);
    expect(Array.from(a.subarray(9, 12))).toEqual([0.5, 0.5, 0]);
  });

  it('handles -Infinity entries; an all -Infinity row is NaN like torch', () => {
    const x = Float32Array.of(-Infinity, 0, -Infinity, 0, -Infinity, -Infinity, -Infinity, -Infinity);
    const [a, e] = both(x, 2, 4);
    expect(Array.from(a.subarray(0, 4))).toEqual([0, 0.5, 0, 0.5]);
    expect(Array.from(a.subarray(4)).every(Number.isNaN)).toBe(true);
    expectClose(a, e, 0, 0, 'inf');
  });

  it('propagates NaN to its whole row and leaves other rows alone', () => {
    const x = Float32Array.of(1, NaN, 2, 1, 2, 3);
    const [a, e] = both(x, 2, 3);
    expect(Array.from(a.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(a.subarray(3)).every(Number.isFinite)).toBe(true);
    expectClose(a, e, 1e-6, 0, 'nan');
  });

  it('works in place', () => {
    const x = randomArray(5 * 33, 1, 4);
    const e = new Float32Array(x.length);
    softmaxReference(x, 5, 33, e);
    softmax(x, 5, 33, x);
    expectClose(x, e, 1e-6, 1e-30);
  });
});
