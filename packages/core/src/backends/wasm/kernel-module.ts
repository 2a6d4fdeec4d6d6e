/**
 * The kernel module: the WebAssembly functions of every registered 'wasm' kernel (register.ts) in one
 * module, emitted at run time for a memory kind and a GEMM tiling. All threads instantiate the same bytes
 * over the same memory; the worker pool numbers tasks by the module's own export list.
 */

import { OP_NAMES } from '../../ops/index.js';
import { EmitLibrary } from './emit-library.js';
import { DEFAULT_TILING, FMA_TILING, type GemmTiling } from './emit-gemm.js';
import { MAX_PAGES } from './heap.js';
import { ModuleBuilder } from './module-builder.js';
import { WASM_KERNELS } from './register.js';

export interface KernelModuleOptions {
  /** Import a shared memory (true) or a plain one. Must match the heap's memory. */
  shared: boolean;
  tiling?: GemmTiling;
}

/** Where the kernel module imports its memory from. */
export const MEMORY_IMPORT = { module: 'env', name: 'memory' } as const;

/** The module's bytes: each registered kernel emits what its tasks call. */
export function emitKernelModule(options: KernelModuleOptions): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder();
  // A shared memory must declare a maximum; an unshared one must not (the heap creates it without one).
  mod.importMemory({ ...MEMORY_IMPORT, minPages: 1, maxPages: options.shared ? MAX_PAGES : undefined, shared: options.shared });
  const lib = new EmitLibrary(mod, options.tiling ?? DEFAULT_TILING);
  for (const name of OP_NAMES) WASM_KERNELS[name].emit?.(mod, lib);
  return mod.encode();
}

/** True when this engine accepts relaxed-simd (checked by validating a kernel module that uses relaxed_madd). */
export function relaxedSimdSupported(): boolean {
  // Only a positive answer is cached: Node 20 can enable the feature later (enableRelaxedSimd in pool/platform.ts).
  if (!relaxedSimd) {
    try {
      relaxedSimd = typeof WebAssembly === 'object' && WebAssembly.validate(emitKernelModule({ shared: false, tiling: FMA_TILING }));
    } catch {
      relaxedSimd = false;
    }
  }
  return relaxedSimd;
}
let relaxedSimd = false;

/**
 * The fastest measured tiling this engine can run: with relaxed-simd FMA, 6×8 (12 accumulators + 2 B
 * vectors + 1 broadcast fit the 16 xmm registers V8 allocates from; ≈ 56–59 GFLOP/s on one core at
 * 197×768·768×3072), else 4×8 with plain mul + add (≈ 38–40 GFLOP/s; 5×8 and 3×12 are equal within noise).
 */
export function preferredTiling(): GemmTiling {
  return relaxedSimdSupported() ? FMA_TILING : DEFAULT_TILING;
}

let simd: boolean | null = null;

/** True when this engine runs WebAssembly SIMD128 (checked once by validating a real kernel module). */
export function wasmSimdSupported(): boolean {
  if (simd === null) {
    try {
      simd = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(emitKernelModule({ shared: false }));
    } catch {
      simd = false;
    }
  }
  return simd;
}
