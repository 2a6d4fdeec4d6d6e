/**
 * The tolerance policy of golden/README.md section 4: for a float tensor with recorded fp32 error e and
 * expected max |value| M, accept max |actual - expected| <= 8·e + 1e-6·max(1, M).
 */

export interface Comparison {
  /** Tensor name in io.safetensors (or a label for tensors without one). */
  name: string;
  /** max |actual - expected|; Infinity for a shape mismatch or a NaN where a number was expected. */
  maxError: number;
  bound: number;
  /** maxError / bound: <= 1 passes. */
  ratio: number;
  /** Why the comparison failed before any arithmetic (shape mismatch, missing output). */
  problem?: string;
}

export function toleranceBound(fp32Error: number, expectedMaxAbs: number): number {
  return 8 * fp32Error + 1e-6 * Math.max(1, expectedMaxAbs);
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

/**
 * Compares `actual` with `expected` under the policy. `fp32Error` defaults to 0 (exact ops) and
 * `expectedMaxAbs` to the expected tensor's own max |value| when a case does not record them.
 * NaN/Infinity must match exactly where the expectation has them; anywhere else they fail.
 */
export function compareTensor(
  name: string,
  actual: { data: ArrayLike<number>; shape: readonly number[] },
  expected: { data: ArrayLike<number>; shape: readonly number[] },
  fp32Error = 0,
  expectedMaxAbs?: number,
): Comparison {
  const bound = toleranceBound(fp32Error, expectedMaxAbs ?? maxAbs(expected.data));
  const sameShape = actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i]);
  if (!sameShape) {
    return { name, maxError: Infinity, bound, ratio: Infinity, problem: `shape [${actual.shape.join(',')}] != expected [${expected.shape.join(',')}]` };
  }
  let maxError = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    let err: number;
    if (Number.isFinite(e)) err = Math.abs(a - e);
    else err = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) ? 0 : Infinity;
    if (Number.isNaN(err)) err = Infinity;
    if (err > maxError) maxError = err;
  }
  return { name, maxError, bound, ratio: maxError / bound };
}

/** The worst ratio of a list of comparisons (0 for none). */
export function worstRatio(comparisons: readonly Comparison[]): number {
  let worst = 0;
  for (const c of comparisons) if (c.ratio > worst || Number.isNaN(c.ratio)) worst = c.ratio;
  return worst;
}
