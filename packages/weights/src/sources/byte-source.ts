/**
 * Random access to the bytes of a file, wherever it lives. This is the JavaScript stand-in for a
 * memory map: a reader asks for exactly the ranges it needs, so loading a model costs about the
 * memory of the tensors it keeps.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Resolves to exactly `length` bytes starting at `offset`. In-memory sources return views
   * (zero-copy); others return fresh buffers owned by the caller.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: fills `target` with the `target.byteLength` bytes at `offset`. Sources that copy
   * anyway (files, network) implement it so a reader can land bytes directly in their final,
   * possibly shared, buffer.
   */
  readInto?(offset: number, target: Uint8Array): Promise<void>;
  close?(): Promise<void>;
}

/** Throws a RangeError unless [offset, offset + length) lies inside a source of `size` bytes. */
export function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new RangeError(`read of ${length} bytes at offset ${offset} is outside a ${size}-byte source`);
  }
}
