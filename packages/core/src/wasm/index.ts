/**
 * The WebAssembly SIMD backend: a kernel module emitted at run time by our own TypeScript, a heap in one
 * `WebAssembly.Memory`, and typed kernel wrappers over Float32Arrays. See docs in each file.
 */
export { WasmBackend, Staging, isWasmActivation, type GemmCall, type GemmOptions, type PackedMatrix, type WasmBackendOptions } from './backend.js';
export { DEFAULT_TILING, FMA_TILING, type GemmTiling } from './emit-gemm.js';
export { WASM_ACTIVATIONS, type WasmActivation } from './emit-math.js';
export { HEAP_ALIGN, HeapExhaustedError, WasmHeap, type WasmHeapOptions } from './heap.js';
export { emitKernelModule, preferredTiling, relaxedSimdSupported, wasmSimdSupported, type KernelExports, type KernelModuleOptions } from './kernel-module.js';
export { FunctionBuilder, ModuleBuilder, sleb128, uleb128, type Label, type Local, type ValType } from './module-builder.js';
export { packedLength, packInto, packTransposedInto } from './packing.js';
export { attentionEagerWasm, attentionFusedWasm, DEFAULT_KEY_BLOCK, DEFAULT_QUERY_BLOCK, planAttention, type AttentionMode, type AttentionPlan, type AttentionPlanOptions } from './attention.js';
