/** An engine's memory cannot hold an allocation (an unshared WebAssembly heap never grows; a device ran out). */
export class HeapExhaustedError extends Error {
  constructor(bytes: number, capacity?: number) {
    super(`engine memory exhausted: cannot allocate ${bytes} bytes${capacity === undefined ? '' : ` (capacity ${capacity} bytes)`}`);
    this.name = 'HeapExhaustedError';
  }
}
