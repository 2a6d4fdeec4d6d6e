/**
 * Device arrays whose values JavaScript can address (the CPU backends: 'js' keeps plain ArrayBuffers, 'wasm'
 * its WebAssembly heap): a Float32Array view plus the block it belongs to, so a freed block is detected.
 * Only the backend's own kernels see `data`; models hold these as opaque DeviceArrays.
 */

import { DeviceArray, viewLength } from '../../engine/device-array.js';

/** An allocation: views share it, freeing it releases them all. */
export interface HostBlock {
  freed: boolean;
}

export abstract class HostArray extends DeviceArray {
  constructor(
    /** The values this array covers. */
    readonly data: Float32Array,
    readonly block: HostBlock,
  ) {
    super();
  }

  get length(): number {
    return this.data.length;
  }

  get released(): boolean {
    return this.block.freed;
  }

  /** The Float32Array of `view(offset, length)`. */
  protected subview(offset: number, length?: number): Float32Array {
    const n = viewLength(this, offset, length);
    return this.data.subarray(offset, offset + n);
  }
}

/** The arguments of an op with every host array replaced by its Float32Array (what the TypeScript kernels take). */
export function hostArgs<T>(args: T): unknown {
  return mapArrays(args, 0);
}

function mapArrays(value: unknown, depth: number): unknown {
  if (value instanceof HostArray) return value.data;
  if (value === null || typeof value !== 'object' || depth > 2 || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.some((v) => v instanceof HostArray || (v !== null && typeof v === 'object')) ? value.map((v) => mapArrays(v, depth + 1)) : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = mapArrays(v, depth + 1);
  return out;
}
