/**
 * Storage buffers by size class: activations come and go every forward, so a freed buffer waits in its
 * class for the next request of that size instead of being destroyed and created again. Classes are 2^k and
 * 1.5·2^k bytes (at most a third wasted). Weights do not come from here: they get exact-size buffers, once.
 */

import { BufferUsage, type GpuBuffer, type GpuDevice } from './gpu-api.js';
import type { GpuAllocation } from './gpu-array.js';

const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
const MIN_BYTES = 256;

/** The size class holding `bytes`. */
export function sizeClass(bytes: number): number {
  const need = Math.max(MIN_BYTES, Math.ceil(bytes / 4) * 4);
  const pow = 2 ** Math.ceil(Math.log2(need));
  return (pow * 3) / 4 >= need ? (pow * 3) / 4 : pow;
}

export class BufferPool {
  /** Idle buffers by class; each lease wraps one in a fresh allocation, so a freed view stays detectably freed. */
  private readonly free = new Map<number, GpuBuffer[]>();
  /** Bytes in buffers handed out or waiting in the pool. */
  private totalBytes = 0;

  constructor(private readonly device: GpuDevice) {}

  get bytes(): number {
    return this.totalBytes;
  }

  /** A buffer of at least `bytes` (contents unspecified: a recycled buffer keeps what it held). */
  acquire(bytes: number, label?: string): GpuAllocation {
    const cls = sizeClass(bytes);
    const waiting = this.free.get(cls)?.pop();
    if (waiting) return { buffer: waiting, bytes: cls, pooled: true, released: false };
    return this.create(cls, true, label);
  }

  /** Exactly `bytes` (rounded to 4), never pooled: weights and parameters. */
  createExact(bytes: number, label?: string): GpuAllocation {
    return this.create(Math.max(4, Math.ceil(bytes / 4) * 4), false, label);
  }

  /** Returns a pooled buffer to its class. */
  release(allocation: GpuAllocation): void {
    if (allocation.released) return;
    if (!allocation.pooled) {
      this.destroy(allocation);
      return;
    }
    allocation.released = true;
    const list = this.free.get(allocation.bytes);
    if (list) list.push(allocation.buffer);
    else this.free.set(allocation.bytes, [allocation.buffer]);
  }

  /** Destroys an exact-size buffer. */
  destroy(allocation: GpuAllocation): void {
    if (allocation.released) return;
    allocation.released = true;
    allocation.buffer.destroy();
    this.totalBytes -= allocation.bytes;
  }

  /** Destroys every buffer waiting in the pool (handed-out ones stay). */
  trim(): void {
    for (const [bytes, list] of this.free) {
      for (const buffer of list) buffer.destroy();
      this.totalBytes -= bytes * list.length;
    }
    this.free.clear();
  }

  private create(bytes: number, pooled: boolean, label?: string): GpuAllocation {
    const buffer = this.device.createBuffer({ size: bytes, usage: STORAGE_USAGE, label });
    this.totalBytes += bytes;
    return { buffer, bytes, pooled, released: false };
  }
}
