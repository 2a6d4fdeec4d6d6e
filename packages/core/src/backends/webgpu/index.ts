/** The WebGPU backend's public surface (registered with the engine once Engine v2 lands). */

export { WebGpuBackend, type WebGpuBackendOptions } from './webgpu-backend.js';
export { WebGpuDevice, type WebGpuAdapterDescription, type WebGpuDeviceOptions } from './device.js';
export { WebGpuDeviceLostError, WebGpuOutOfMemoryError, WebGpuUnavailableError, WebGpuValidationError } from './errors.js';
export type { GpuLike, GpuProvider } from './gpu-api.js';
export { GpuArray } from './gpu-array.js';
export type { WebGpuCounters } from './recorder.js';
export type { GpuAttentionIO, GpuAttentionEagerOptions } from './kernels/attention.js';
export type { GpuConv2d, GpuConv2dOptions, GpuConvRunOptions, GpuPatchEmbed, GpuPatchEmbedOptions } from './kernels/conv.js';
export type { StridedView } from './kernels/elementwise.js';
export type { GpuLinear, GpuLinearOptions } from './kernels/linear.js';
export type { AvgPool2dOptions, MapLayout } from './kernels/pool.js';
export type { RowStrides } from './kernels/rows.js';
export { DEFAULT_ATTENTION_TILE, type AttentionTile } from './wgsl/attention.js';
export type { CombineOp } from './wgsl/elementwise.js';
export { DEFAULT_GEMM_TILE, type GemmTile } from './wgsl/gemm.js';
