/**
 * The 'wasm' backend's device array: a Float32Array view of a WebAssembly heap (its byte offset is the
 * pointer the kernels take) and the region — heap, module instance, lanes — it lives in.
 */

import { HostArray, type HostBlock } from '../host/host-array.js';
import type { Region } from './region.js';

export class WasmArray extends HostArray {
  constructor(data: Float32Array, block: HostBlock, readonly region: Region) {
    super(data, block);
  }

  /** Byte offset in the region's heap. */
  get ptr(): number {
    return this.data.byteOffset;
  }

  override view(offset: number, length?: number): WasmArray {
    return new WasmArray(this.subview(offset, length), this.block, this.region);
  }
}

/** True when two arrays share bytes. */
export function overlaps(a: WasmArray, b: WasmArray): boolean {
  return a.region === b.region && a.ptr < b.ptr + b.data.byteLength && b.ptr < a.ptr + a.data.byteLength;
}
