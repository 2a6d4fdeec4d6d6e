import { describe, expect, it } from 'vitest';
import { erf, erfReference } from '@purevit/core';
import { erfc } from '../../src/host/erf.js';

// Truth derived here, independently of both implementations: the alternating Maclaurin series
// erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)) for |x| <= 2.5 (terms stay below ~30, so float64 keeps
// ~1e-14), and for x >= 2 the continued fraction erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function erfcContinuedFraction(x: number): number {
  let f = x;
  for (let n = 4000; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

const grid = (from: number, to: number, steps: number): number[] => Array.from({ length: steps + 1 }, (_, i) => from + ((to - from) * i) / steps);

describe('erf', () => {
  it('the two truth formulas agree where both hold (sanity of the test itself)', () => {
    for (const x of grid(2, 2.5, 20)) expect(Math.abs(1 - erfSeries(x) - erfcContinuedFraction(x))).toBeLessThan(1e-13);
  });

  it('is float32-accurate against the Maclaurin series on [-2.5, 2.5]', () => {
    for (const x of grid(-2.5, 2.5, 5001)) {
      const t = erfSeries(x);
      expect(Math.abs(erf(x) - t), `x=${x}`).toBeLessThanOrEqual(6e-8 * Math.abs(t) + 1e-300);
      expect(Math.abs(erfReference(x) - t), `reference x=${x}`).toBeLessThanOrEqual(1e-13);
    }
  });

  it('erf and erfc are float32-accurate in the tails (relative error of erfc on [2, 9.5])', () => {
    for (const x of grid(2, 9.5, 3000)) {
      const t = erfcContinuedFraction(x);
      expect(Math.abs(erfc(x) - t), `erfc x=${x}`).toBeLessThanOrEqual(6e-8 * t);
      expect(Math.abs(erfc(-x) - (2 - t)), `erfc -x=${x}`).toBeLessThanOrEqual(6e-8 * t + 5e-16);
      expect(Math.abs(erf(x) - (1 - t))).toBeLessThanOrEqual(6e-8 * t + 2.5e-16);
      expect(erf(-x)).toBe(-erf(x));
      // exp(-x²) carries x²·ulp of relative error, ~5e-15 at x = 6.
      expect(Math.abs(erfReference(x) - (1 - t))).toBeLessThanOrEqual(1e-14);
    }
  });

  it('handles the special values', () => {
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(Math.abs(erf(1e-30) / (1e-30 * (2 / Math.sqrt(Math.PI))) - 1)).toBeLessThan(6e-8);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfReference(NaN)).toBeNaN();
  });
});
