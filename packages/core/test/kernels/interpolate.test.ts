import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPS, runReference, type InterpolateOptions } from '@purevit/core';
import { interpolateKernel } from '../../src/backends/js/kernels/interpolate.js';
import { maxAbsDiff, randomArray, seed } from '../helpers/random.js';

type Interpolate = (x: Float32Array, shape: readonly number[], outH: number, outW: number, options: InterpolateOptions, out: Float32Array) => void;
const args = (x: Float32Array, shape: readonly number[], outH: number, outW: number, options: InterpolateOptions, out: Float32Array) =>
  ({ ...options, x, shape: shape as [number, number, number, number], size: [outH, outW] as const, out });
/** The 'js' backend's separable kernel, after the op's checks. */
const interpolate: Interpolate = (...a) => {
  OPS.interpolate.check(args(...a));
  interpolateKernel(args(...a));
};
/** The op's reference (the full 2-D sum of the taps), after its checks. */
const interpolateReference: Interpolate = (...a) => runReference('interpolate', args(...a));

const modes: InterpolateOptions[] = [
  { mode: 'nearest' },
  { mode: 'bilinear', alignCorners: false }, { mode: 'bilinear', alignCorners: true },
  { mode: 'bicubic', alignCorners: false }, { mode: 'bicubic', alignCorners: true },
  { mode: 'bilinear', alignCorners: false, antialias: true }, { mode: 'bilinear', alignCorners: true, antialias: true },
  { mode: 'bicubic', alignCorners: false, antialias: true }, { mode: 'bicubic', alignCorners: true, antialias: true },
];

function run(f: Interpolate, x: Float32Array, shape: number[], oh: number, ow: number, o: InterpolateOptions): Float32Array {
  const out = new Float32Array(shape[0] * shape[1] * oh * ow);
  f(x, shape, oh, ow, o, out);
  return out;
}

describe('interpolate', () => {
  it('separable fast path matches the 2-D reference for every mode, any sizes (up and down)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 41 }),
        fc.integer({ min: 1, max: 41 }), fc.constantFrom(...modes), seed, (c, h, w, oh, ow, options, s) => {
          const x = randomArray(c * h * w, s, 2);
          const got = run(interpolate, x, [1, c, h, w], oh, ow, options);
          const want = run(interpolateReference, x, [1, c, h, w], oh, ow, options);
          expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(2e-6);
        }),
      { numRuns: 150 },
    );
  });

  it('is the identity at the same size for bilinear/bicubic, align corners or not, antialias or not', () => {
    const x = randomArray(2 * 7 * 9, 3, 5);
    for (const options of modes) {
      expect(Array.from(run(interpolate, x, [1, 2, 7, 9], 7, 9, options))).toEqual(Array.from(x));
      expect(Array.from(run(interpolateReference, x, [1, 2, 7, 9], 7, 9, options))).toEqual(Array.from(x));
    }
  });

  it('bilinear reproduces a linear ramp exactly where it does not clamp', () => {
    // x[i] = i along the width: align_corners=True maps j to j·(w-1)/(ow-1); False to (j+0.5)·w/ow - 0.5, clamped to [0, w-1].
    const w = 6, ow = 15;
    const x = Float32Array.from({ length: w }, (_, i) => i);
    const ac = run(interpolate, x, [1, 1, 1, w], 1, ow, { mode: 'bilinear', alignCorners: true });
    const hc = run(interpolate, x, [1, 1, 1, w], 1, ow, { mode: 'bilinear', alignCorners: false });
    for (let j = 0; j < ow; j++) {
      expect(ac[j]).toBeCloseTo((j * (w - 1)) / (ow - 1), 6);
      expect(hc[j]).toBeCloseTo(Math.min(w - 1, Math.max(0, ((j + 0.5) * w) / ow - 0.5)), 6);
    }
  });

  it('uses 1/scaleFactor as the source step when a scale factor is given (torch without recompute_scale_factor)', () => {
    // 5 → floor(5·1.5) = 7 columns; the step is 1/1.5, not 5/7.
    const x = Float32Array.from({ length: 5 }, (_, i) => i);
    const options: InterpolateOptions = { mode: 'bilinear', scaleFactor: [1, 1.5] };
    const got = run(interpolate, x, [1, 1, 1, 5], 1, 7, options);
    const ref = run(interpolateReference, x, [1, 1, 1, 5], 1, 7, options);
    for (let j = 0; j < 7; j++) {
      expect(got[j]).toBeCloseTo(Math.min(4, Math.max(0, (j + 0.5) / 1.5 - 0.5)), 6);
      expect(ref[j]).toBeCloseTo(got[j], 6);
    }
  });

  it("nearest is torch's floor(dst·in/out), not nearest-exact", () => {
    const x = Float32Array.from({ length: 5 }, (_, i) => i);
    // 5 → 3: scale 5/3, sources floor(0), floor(1.67), floor(3.33) = 0, 1, 3 (nearest-exact would give 0, 2, 4).
    expect(Array.from(run(interpolate, x, [1, 1, 1, 5], 1, 3, { mode: 'nearest' }))).toEqual([0, 1, 3]);
    // 2x upsampling repeats each pixel.
    expect(Array.from(run(interpolate, x, [1, 1, 1, 5], 1, 10, { mode: 'nearest' }))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('antialiased downscaling averages: a constant stays constant and a 2x box is the pair mean for bilinear', () => {
    const c = new Float32Array(12 * 10).fill(3.25);
    for (const options of modes) {
      const out = run(interpolate, c, [1, 1, 12, 10], 5, 3, options);
      for (const v of out) expect(v).toBeCloseTo(3.25, 6);
    }
    // Triangle filter of support 2 at scale 2: weights ∝ (0.25, 0.75, 0.75, 0.25) around each output centre.
    const x = Float32Array.from({ length: 8 }, (_, i) => (i * 7) % 5);
    const out = run(interpolate, x, [1, 1, 1, 8], 1, 4, { mode: 'bilinear', antialias: true });
    for (let j = 0; j < 4; j++) {
      const taps: [number, number][] = [[2 * j - 1, 0.25], [2 * j, 0.75], [2 * j + 1, 0.75], [2 * j + 2, 0.25]];
      const valid = taps.filter(([i]) => i >= 0 && i < 8);
      const total = valid.reduce((a, [, wt]) => a + wt, 0);
      expect(out[j]).toBeCloseTo(valid.reduce((a, [i, wt]) => a + wt * x[i], 0) / total, 6);
    }
  });

  it('rejects invalid option combinations like torch', () => {
    const x = new Float32Array(4);
    expect(() => interpolate(x, [1, 1, 2, 2], 3, 3, { mode: 'nearest', alignCorners: true }, new Float32Array(9))).toThrow(/alignCorners/);
    expect(() => interpolate(x, [1, 1, 2, 2], 3, 3, { mode: 'nearest', antialias: true }, new Float32Array(9))).toThrow(/antialias/);
    expect(() => interpolate(x, [1, 1, 2, 2], 3, 3, { mode: 'area' as 'nearest' }, new Float32Array(9))).toThrow(/unknown mode "area"/);
  });
});
