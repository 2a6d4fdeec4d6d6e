/**
 * Argument checks shared by every op declaration: a wrong size is a bug in the caller, so fail at the call
 * (before anything is enqueued) with an error that names the op and the argument.
 */

/** What the checks need of an array: its length (a Float32Array, or an engine's DeviceArray). */
export interface Sized {
  readonly length: number;
}

export function checkSize(op: string, what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${n}`);
}

export function checkPositive(op: string, what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${op}: ${what} must be a positive integer, got ${n}`);
}

/** Throws unless `array` holds at least `needed` elements. */
export function checkLength(op: string, what: string, array: Sized, needed: number): void {
  if (array.length < needed) {
    throw new RangeError(`${op}: ${what} has ${array.length} elements, needs ${needed}`);
  }
}

/**
 * A matrix of `rows` rows of `cols` elements with row stride `ld` (default `cols`) inside `array`; returns
 * the stride. The last row needs only its `cols` elements.
 */
export function checkMatrix(op: string, what: string, array: Sized, rows: number, cols: number, ld: number = cols): number {
  checkSize(op, `${what} rows`, rows);
  checkSize(op, `${what} columns`, cols);
  if (!Number.isSafeInteger(ld) || ld < cols) throw new RangeError(`${op}: ${what} row stride ${ld} is smaller than its ${cols} columns`);
  checkLength(op, what, array, rows === 0 ? 0 : (rows - 1) * ld + cols);
  return ld;
}

/** `[h, w]` from a scalar or a pair, as torch's `_pair`. */
export function pair(op: string, what: string, v: number | readonly number[]): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (typeof v !== 'number' && v.length !== 2) throw new RangeError(`${op}: ${what} must be an integer or a pair of integers, got [${v.join(',')}]`);
  for (const x of p) {
    if (!Number.isSafeInteger(x)) throw new RangeError(`${op}: ${what} must be an integer or a pair of integers, got ${String(v)}`);
  }
  return p;
}

/** A 4-d shape of non-negative integers; `layout` names its axes in the message ('N, C, H, W' or 'N, H, W, C'). */
export function checkShape4(op: string, what: string, shape: readonly number[], layout = 'N, C, H, W'): [number, number, number, number] {
  if (!Array.isArray(shape) || shape.length !== 4 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new RangeError(`${op}: ${what} must be [${layout}], got [${String(shape)}]`);
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(op: string, what: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new RangeError(`${op}: ${what} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
}

export function checkFinite(op: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${op}: ${what} must be a finite number, got ${String(v)}`);
}
