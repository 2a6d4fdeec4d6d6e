/**
 * A float32 array in GPU memory: a view (element offset and length) into a buffer the backend owns. Kernels
 * bind whole buffers and address views through offsets in their parameters, so any view works (WebGPU's
 * 256-byte binding alignment never constrains a view), and two views of one buffer bind it once.
 */

import type { GpuBuffer } from './gpu-api.js';

/** One GPU buffer and its bookkeeping; views keep it alive, the pool or arena releases it. */
export interface GpuAllocation {
  readonly buffer: GpuBuffer;
  /** Bytes of the buffer (a pool class: at least what was asked). */
  readonly bytes: number;
  /** From the pool (activations), or a buffer of its own (weights, parameters). */
  readonly pooled: boolean;
  /** Set when released: views of it must no longer be used. */
  released: boolean;
}

export class GpuArray {
  constructor(
    readonly allocation: GpuAllocation,
    /** First element of the view in the buffer. */
    readonly offset: number,
    /** Elements in the view. */
    readonly length: number,
  ) {}

  get buffer(): GpuBuffer {
    return this.allocation.buffer;
  }

  /** The view of elements [start, end) of this one (as `Float32Array.subarray`, without negative indices). */
  subarray(start: number, end: number = this.length): GpuArray {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= this.length)) {
      throw new RangeError(`GpuArray.subarray(${start}, ${end}) is outside a view of ${this.length} elements`);
    }
    return new GpuArray(this.allocation, this.offset + start, end - start);
  }

  /** Throws when the buffer was released (freed array or disposed arena). */
  check(what: string): void {
    if (this.allocation.released) throw new Error(`${what}: the GPU array was freed`);
  }
}
