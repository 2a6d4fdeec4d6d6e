/**
 * erf in float64, accurate to a few ulp: the all-positive series
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1)), which has no cancellation.
 * Beyond |x| = 6, erf is +-1 to double precision. Slow; used as ground truth only.
 */
export function erfReference(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  const x2 = 2 * a * a;
  let term = a;
  let sum = a;
  for (let n = 0; n < 500; n++) {
    term *= x2 / (2 * n + 3);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = Math.min(1, (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum);
  return x < 0 ? -r : r;
}
