/**
 * Storage bindings for one dispatch. A kernel names its arrays (x, weight, out, …); arrays that share a GPU
 * buffer share one binding (WebGPU rejects a buffer bound twice when one binding writes), and the binding is
 * read_write when any of its arrays is written. The shader addresses each array as `<var>[p.<name>Off + i]`.
 */

import type { GpuBuffer } from '../gpu-api.js';
import type { GpuArray } from '../gpu-array.js';

export interface StorageArg {
  name: string;
  array: GpuArray;
  /** The kernel writes this array. */
  write?: boolean;
}

export interface StorageBindings {
  /** One buffer per binding slot, in binding order. */
  readonly buffers: readonly GpuBuffer[];
  /** The WGSL variable holding each named array. */
  readonly vars: Readonly<Record<string, string>>;
  /** Declarations of the storage variables (bindings 0 … buffers.length - 1). */
  readonly declarations: string;
  /** Element offset of each named array (for its `<name>Off` parameter). */
  readonly offsets: Readonly<Record<string, number>>;
}

export function bindStorage(args: readonly StorageArg[]): StorageBindings {
  const buffers: GpuBuffer[] = [];
  const writable: boolean[] = [];
  const vars: Record<string, string> = {};
  const offsets: Record<string, number> = {};
  for (const { name, array, write } of args) {
    let slot = buffers.indexOf(array.buffer);
    if (slot < 0) {
      slot = buffers.length;
      buffers.push(array.buffer);
      writable.push(false);
    }
    if (write) writable[slot] = true;
    vars[name] = `b${slot}`;
    offsets[name] = array.offset;
  }
  const declarations = buffers
    .map((_, i) => `@group(0) @binding(${i}) var<storage, ${writable[i] ? 'read_write' : 'read'}> b${i}: array<f32>;`)
    .join('\n');
  return { buffers, vars, declarations: declarations + '\n', offsets };
}
