/**
 * Tensor storage. Buffers come from a SharedArrayBuffer whenever the platform allows it (Node, and
 * browser pages that are cross-origin isolated), so worker threads can read and write activations
 * and weights without copies. Elsewhere they fall back to a plain ArrayBuffer.
 */

/** True when SharedArrayBuffer can be constructed and shared with workers here. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  // Browsers expose `crossOriginIsolated`; Node does not (and always allows sharing).
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Allocates a zero-filled Float32Array of `length` elements, shared with workers where possible. */
export function allocFloat32(length: number, shared = sharedMemoryAvailable()): Float32Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`allocFloat32: invalid length ${length}`);
  }
  if (!shared) return new Float32Array(length);
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** True when `array` lives in a SharedArrayBuffer (so a worker can use it without a copy). */
export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}
