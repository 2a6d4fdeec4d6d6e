import fc from 'fast-check';

/** Deterministic uniform values in [-scale, scale) from a seed (mulberry32): fast-check picks the seed. */
export function randomArray(length: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Sizes that stress blocking: 1, primes, block multiples ± 1, and anything small. */
export const awkwardSize = (max = 70): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64, 65, 97).filter((n) => n <= max), fc.integer({ min: 1, max }));

export const seed = fc.integer({ min: 0, max: 0x7fffffff });

/** Largest |a - b| over the arrays (NaN if any difference is NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;
  }
  return m;
}

/** Asserts |actual - expected| <= atol + rtol·|expected| elementwise; NaN must match NaN. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what = ''): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) throw new Error(`${what}[${i}]: ${a} vs ${e}`);
      continue;
    }
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`${what}[${i}]: ${a} vs expected ${e} (diff ${Math.abs(a - e)})`);
  }
}
