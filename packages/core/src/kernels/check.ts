/** Argument checks shared by the kernels: a wrong size is a bug in the caller, so fail loudly and say which. */

export function checkSize(kernel: string, what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${kernel}: ${what} must be a non-negative integer, got ${n}`);
}

/** Throws unless `array` holds at least `needed` elements. */
export function checkLength(kernel: string, what: string, array: ArrayLike<unknown>, needed: number): void {
  if (array.length < needed) {
    throw new RangeError(`${kernel}: ${what} has ${array.length} elements, needs ${needed}`);
  }
}

/** `[h, w]` from a scalar or a pair, as torch's `_pair`. */
export function pair(kernel: string, what: string, v: number | readonly [number, number]): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const x of p) {
    if (!Number.isSafeInteger(x)) throw new RangeError(`${kernel}: ${what} must be an integer or a pair of integers, got ${String(v)}`);
  }
  return p;
}

export function checkShape4(kernel: string, what: string, shape: readonly number[]): [number, number, number, number] {
  if (shape.length !== 4 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new RangeError(`${kernel}: ${what} must be [N, C, H, W], got [${shape.join(',')}]`);
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}
