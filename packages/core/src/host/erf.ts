import { expf } from './exp.js';

/**
 * erf and erfc to float32 accuracy (relative error < 2e-9 for erf, < 1e-9 for erfc below 10) with at most
 * one exp: coefficients fitted (Chebyshev, then converted to monomials) for this file against mpmath.
 *   |x| < 1:       erf(x) = x · P(x²)
 *   1 <= |x| < 10: erfc(|x|) = exp(-x²) · Q(u), u = 1 / (1 + |x|/2)
 *   |x| >= 10:     erfc(|x|) = 0 (below 2e-45, the smallest float32)
 */

const P0 = 1.128379165885152, P1 = -0.3761262691219282, P2 = 0.11283597519546422, P3 = -0.02685433027783961;
const P4 = 0.005189313678604266, P5 = -0.0008018863010545647, P6 = 7.882503719944786e-5;

const Q0 = 1.2429456058622293e-6, Q1 = 0.28205527570267996, Q2 = 0.28264462449590855, Q3 = 0.24243920314617945;
const Q4 = 0.19848895169603417, Q5 = 0.01089482844568701, Q6 = 0.14792639039891098, Q7 = -0.23687558404098785;
const Q8 = 0.005242399040838175, Q9 = 0.11055928453401564, Q10 = -0.043476436058171;

/** erfc(a) for a >= 1. */
export function erfcTail(a: number): number {
  if (a >= 10) return 0;
  const u = 1 / (1 + 0.5 * a);
  const q = Q0 + u * (Q1 + u * (Q2 + u * (Q3 + u * (Q4 + u * (Q5 + u * (Q6 + u * (Q7 + u * (Q8 + u * (Q9 + u * Q10)))))))));
  return q * expf(-a * a);
}

/** x · P(x²) ≈ erf(x) for |x| < 1. */
export function erfSmall(x: number): number {
  const s = x * x;
  return x * (P0 + s * (P1 + s * (P2 + s * (P3 + s * (P4 + s * (P5 + s * P6))))));
}

/** The error function, accurate to float32. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 1) return erfSmall(x);
  if (a >= 1) {
    const e = 1 - erfcTail(a);
    return x < 0 ? -e : e;
  }
  return NaN;
}

/** The complementary error function 1 - erf(x), accurate to float32 also where it is tiny. */
export function erfc(x: number): number {
  const a = Math.abs(x);
  if (a < 1) return 1 - erfSmall(x);
  if (a >= 1) return x > 0 ? erfcTail(a) : 2 - erfcTail(a);
  return NaN;
}
