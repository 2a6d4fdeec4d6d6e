import { checkRange, type ByteSource } from './byte-source.js';

/** A source over a Blob or File (browser or Node): each read slices the blob, so nothing else loads. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    async read(offset, length) {
      checkRange(blob.size, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}
