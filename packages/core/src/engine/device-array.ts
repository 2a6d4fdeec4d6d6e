/**
 * A device array: float32 values that live in an engine's memory (a WebAssembly heap, a GPU buffer, a
 * plain ArrayBuffer for the 'js' engine). It is a handle — an engine-owned block with an offset and a
 * length — never the values: ops take and return device arrays, and `await engine.read(array)` is the one
 * way the numbers come back (a Float32Array copy, once the work enqueued before it is done).
 */
export abstract class DeviceArray {
  /** Elements in this array (a view: the elements it covers). */
  abstract readonly length: number;
  /** True once the block it lives in was freed (the array must not be used any more). */
  abstract readonly released: boolean;
  /** A view of `length` elements (default: to the end) starting `offset` elements into this one. */
  abstract view(offset: number, length?: number): DeviceArray;
}

/** Checks a view's bounds; returns its length. */
export function viewLength(array: DeviceArray, offset: number, length?: number): number {
  const n = length ?? array.length - offset;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(n) || offset < 0 || n < 0 || offset + n > array.length) {
    throw new RangeError(`DeviceArray.view(${offset}, ${String(length)}): outside an array of ${array.length} elements`);
  }
  return n;
}
