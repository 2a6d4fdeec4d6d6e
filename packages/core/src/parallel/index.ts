/** Worker pool sharing the WASM heap, and the kernels split over it. */
export { parallelGemm, parallelGemmSync, splitGemm, type GemmBlock } from './parallel-gemm.js';
export { canBlock, enableRelaxedSimd, hardwareConcurrency, isNode } from './platform.js';
export { WorkerPool, type KernelName, type KernelTask, type WorkerPoolOptions } from './worker-pool.js';
export {
  MIN_FLOATS_PER_LANE, parallelActivation, parallelActivationSync, parallelLayerNorm, parallelLayerNormSync,
  parallelSoftmax, parallelSoftmaxSync, splitRows,
} from './parallel-rows.js';
export { parallelAttentionEager, parallelAttentionEagerSync, parallelAttentionFused, parallelAttentionFusedSync } from './parallel-attention.js';
export { FastKernels, type FastKernelsOptions } from './fast-kernels.js';
