/**
 * The errors a caller of the WebGPU backend can act on (typically by falling back to the 'wasm' backend):
 * each names the problem and what was asked for.
 */

/** No WebGPU here: no `navigator.gpu` and no `gpu` object given, or no adapter (no usable GPU / driver). */
export class WebGpuUnavailableError extends Error {
  override readonly name = 'WebGpuUnavailableError';
}

/** The device was lost (driver reset, GPU removed, `dispose()`); every later call fails with this error. */
export class WebGpuDeviceLostError extends Error {
  override readonly name = 'WebGpuDeviceLostError';
  constructor(readonly reason: string, message: string) {
    super(`WebGPU device lost (${reason}): ${message || 'no message'}`);
  }
}

/** The device could not allocate a buffer (reported by an error scope, possibly after the call that asked). */
export class WebGpuOutOfMemoryError extends Error {
  override readonly name = 'WebGpuOutOfMemoryError';
}

/** A shader or command the backend generated was rejected: a bug in the backend, reported with WebGPU's message. */
export class WebGpuValidationError extends Error {
  override readonly name = 'WebGpuValidationError';
}
