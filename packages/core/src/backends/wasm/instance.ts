/**
 * The kernel module instantiated over a heap on this thread: its exports by name, and the GEMM tile scratch
 * of the calling thread (lane 0). Workers instantiate the same compiled module over the same shared memory.
 */

import type { GemmTiling } from './emit-gemm.js';
import type { WasmHeap } from './heap.js';
import { MEMORY_IMPORT } from './kernel-module.js';

export type KernelExport = (...args: number[]) => void;

export class KernelInstance {
  readonly exports: Readonly<Record<string, KernelExport>>;
  /** mr × nr floats of GEMM tile scratch for calls made on this thread. */
  readonly scratch: number;

  constructor(
    readonly heap: WasmHeap,
    readonly tiling: GemmTiling,
    /** The compiled kernel module (for this heap's memory kind and this tiling). */
    readonly module: WebAssembly.Module,
  ) {
    const instance = new WebAssembly.Instance(module, { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: heap.memory } });
    this.exports = instance.exports as unknown as Record<string, KernelExport>;
    this.scratch = heap.alloc(tiling.mr * tiling.nr * 4);
  }

  /** The module's exported function names, in module order (the worker protocol numbers them so). */
  static exportNames(module: WebAssembly.Module): string[] {
    return WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  }

  /** Calls export `kernel` on this thread. */
  call(kernel: string, args: readonly number[]): void {
    const fn = this.exports[kernel];
    if (typeof fn !== 'function') throw new Error(`wasm: the kernel module has no export "${kernel}"`);
    fn(...args);
  }
}
