/**
 * Tensor storage: plain ArrayBuffers. Worker threads never read tensors directly — an engine's kernels
 * run on its own heap (a shared WebAssembly memory where the platform allows it: Node, cross-origin
 * isolated pages) and copy other arrays in — so tensors stay in ordinary memory, which V8 reclaims
 * promptly (SharedArrayBuffers are reclaimed lazily: a model load that reads a few hundred tensors into
 * them would peak far above its weights).
 */

/** True when SharedArrayBuffer can be constructed and shared with workers here. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  // Browsers expose `crossOriginIsolated`; Node does not (and always allows sharing).
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Allocates a zero-filled Float32Array of `length` elements; `shared` puts it in a SharedArrayBuffer (where allowed). */
export function allocFloat32(length: number, shared = false): Float32Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`allocFloat32: invalid length ${length}`);
  }
  if (!shared || !sharedMemoryAvailable()) return new Float32Array(length);
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** True when `array` lives in a SharedArrayBuffer (so a worker can use it without a copy). */
export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}
