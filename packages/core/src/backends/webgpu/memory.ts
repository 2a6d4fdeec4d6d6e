/**
 * GPU memory of the backend: activations from the buffer pool, weights in exact-size buffers written once,
 * and the one way back to the CPU (`read`). Every device call goes through the recorder's error scopes.
 */

import { BufferPool } from './buffer-pool.js';
import { GpuArray } from './gpu-array.js';
import type { CommandRecorder } from './recorder.js';

export class GpuMemory {
  readonly pool: BufferPool;

  constructor(private readonly rec: CommandRecorder, pool: BufferPool, private readonly maxBinding: number) {
    this.pool = pool;
  }

  /** `length` floats from the pool (contents unspecified unless `zero`). */
  alloc(length: number, options: { zero?: boolean; label?: string } = {}): GpuArray {
    this.checkLength(length);
    const allocation = this.rec.guarded(() => this.pool.acquire(length * 4, options.label));
    const array = new GpuArray(allocation, 0, length);
    if (options.zero) this.rec.clear(array);
    return array;
  }

  /** A buffer holding `values`, created for them (weights, parameters): never recycled by the pool. */
  upload(values: Float32Array, label?: string): GpuArray {
    this.checkLength(values.length);
    const allocation = this.rec.guarded(() => this.pool.createExact(values.length * 4, label));
    const array = new GpuArray(allocation, 0, values.length);
    this.rec.write(array, values);
    return array;
  }

  /** Returns a pooled array's buffer to the pool, destroys an uploaded one (views of it become invalid). */
  free(array: GpuArray): void {
    this.pool.release(array.allocation);
  }

  /** Destroys an uploaded array's buffer. */
  destroy(array: GpuArray): void {
    this.pool.destroy(array.allocation);
  }

  private checkLength(length: number): void {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`GPU array length must be a non-negative integer, got ${length}`);
    if (length * 4 > this.maxBinding) {
      throw new RangeError(`a GPU array of ${length * 4} bytes exceeds this device's largest storage binding (${this.maxBinding} bytes)`);
    }
  }
}
