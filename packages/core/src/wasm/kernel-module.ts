/**
 * The kernel module: every WASM kernel of the fast backend in one module, emitted at run time for a
 * given memory kind and GEMM tiling. All threads instantiate the same bytes over the same memory.
 */

import { emitAttention } from './emit-attention.js';
import { DEFAULT_TILING, emitGemm, FMA_TILING, type GemmTiling } from './emit-gemm.js';
import { emitRowKernels } from './emit-rows.js';
import { MAX_PAGES } from './heap.js';
import { ModuleBuilder } from './module-builder.js';

export interface KernelModuleOptions {
  /** Import a shared memory (true) or a plain one. Must match the heap's memory. */
  shared: boolean;
  tiling?: GemmTiling;
}

/** The kernel module's exports (all pointers are byte offsets into the heap; see emit-gemm.ts / emit-rows.ts). */
export interface KernelExports {
  gemm(
    a: number, lda: number, b: number, k: number, c: number, ldc: number,
    rowStart: number, rowEnd: number, panelStart: number, panelEnd: number, n: number,
    flags: number, bias: number, res: number, ldr: number, scratch: number,
  ): void;
  epilogue(c: number, ldc: number, rows: number, cols: number, bias: number, res: number, ldr: number, act: number): void;
  layer_norm(x: number, rows: number, dim: number, weight: number, bias: number, eps: number, out: number): void;
  softmax(x: number, rows: number, cols: number, out: number): void;
  online_softmax(s: number, rows: number, cols: number, m: number, l: number, o: number, ldo: number, dim: number): void;
  /** `params` points to an attention parameter block (emit-attention.ts). */
  attention_fused(params: number): void;
  attention_eager(params: number): void;
}

/** Where the kernel module imports its memory from. */
export const MEMORY_IMPORT = { module: 'env', name: 'memory' } as const;

/** The module's bytes. */
export function emitKernelModule(options: KernelModuleOptions): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder();
  // A shared memory must declare a maximum; an unshared one must not (the heap creates it without one).
  mod.importMemory({ ...MEMORY_IMPORT, minPages: 1, maxPages: options.shared ? MAX_PAGES : undefined, shared: options.shared });
  const tiling = options.tiling ?? DEFAULT_TILING;
  const gemm = emitGemm(mod, tiling);
  const { softmax, onlineSoftmax } = emitRowKernels(mod);
  emitAttention(mod, tiling, gemm, onlineSoftmax, softmax);
  return mod.encode();
}

/** True when this engine accepts relaxed-simd (checked by validating a kernel module that uses relaxed_madd). */
export function relaxedSimdSupported(): boolean {
  // Only a positive answer is cached: Node 20 can enable the feature later (enableRelaxedSimd in ../parallel/platform.ts).
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

/** True when this engine runs WebAssembly SIMD128 (checked by validating a real kernel module). */
export function wasmSimdSupported(): boolean {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  try {
    return WebAssembly.validate(emitKernelModule({ shared: false }));
  } catch {
    return false;
  }
}
