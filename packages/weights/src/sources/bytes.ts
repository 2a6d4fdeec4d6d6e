import { checkRange, type ByteSource } from './byte-source.js';

/** A source over bytes already in memory; reads are views, never copies. */
export function bytesSource(data: ArrayBuffer | SharedArrayBuffer | Uint8Array): ByteSource {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return {
    size: bytes.byteLength,
    read(offset, length) {
      checkRange(bytes.byteLength, offset, length);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
}
