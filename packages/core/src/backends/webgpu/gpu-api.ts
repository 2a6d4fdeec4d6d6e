/**
 * The part of the WebGPU API this backend uses, declared structurally so core needs neither a runtime
 * dependency nor `@webgpu/types`: `navigator.gpu` in a browser and the `gpu` object a Node / Deno / Bun
 * WebGPU implementation returns (e.g. the `webgpu` package's `create([])`) both satisfy it.
 */

/** GPUBufferUsage flag values (the spec's constants; the globals do not exist in every runtime). */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode.READ. */
export const MAP_READ = 0x0001;

/**
 * What callers pass as `gpu`: any WebGPU implementation's GPU object (`navigator.gpu`, the `webgpu` package's
 * `create([])`). Typed loosely on purpose, so every implementation's own type declarations are accepted; the
 * adapter it returns is used through the interfaces below.
 */
export interface GpuProvider {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}

/** The GPU object as this backend uses it. */
export interface GpuLike extends GpuProvider {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapter | null>;
}

export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

/** The adapter and device limits this backend reads or raises (a subset of GPUSupportedLimits). */
export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly minUniformBufferOffsetAlignment: number;
}

export type GpuLimitName = keyof GpuLimits;

export interface GpuAdapter {
  readonly info?: GpuAdapterInfo;
  readonly limits: GpuLimits;
  readonly features: { has(name: string): boolean };
  requestDevice(descriptor?: { label?: string; requiredLimits?: Partial<Record<GpuLimitName, number>> }): Promise<GpuDevice>;
}

export interface GpuError {
  readonly message: string;
}

export type GpuErrorFilter = 'validation' | 'out-of-memory' | 'internal';

export interface GpuDeviceLostInfo {
  readonly reason: string; // 'destroyed' | 'unknown'
  readonly message: string;
}

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuShaderModule {
  getCompilationInfo?(): Promise<{ messages: ReadonlyArray<{ type: string; message: string; lineNum: number; linePos: number }> }>;
}

export interface GpuBindGroupLayout {
  readonly label: string;
}

export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}

export interface GpuBindGroup {
  readonly label: string;
}

export interface GpuBufferBinding {
  buffer: GpuBuffer;
  offset?: number;
  size?: number;
}

export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandBuffer {
  readonly label: string;
}

export interface GpuCommandEncoder {
  beginComputePass(descriptor?: { label?: string }): GpuComputePass;
  copyBufferToBuffer(source: GpuBuffer, sourceOffset: number, destination: GpuBuffer, destinationOffset: number, size: number): void;
  clearBuffer(buffer: GpuBuffer, offset?: number, size?: number): void;
  finish(): GpuCommandBuffer;
}

export interface GpuQueue {
  submit(buffers: GpuCommandBuffer[]): void;
  writeBuffer(buffer: GpuBuffer, bufferOffset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number): void;
  onSubmittedWorkDone(): Promise<void>;
}

export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly queue: GpuQueue;
  readonly lost: Promise<GpuDeviceLostInfo>;
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean; label?: string }): GpuBuffer;
  createShaderModule(descriptor: { code: string; label?: string }): GpuShaderModule;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: GpuShaderModule; entryPoint: string }; label?: string }): GpuComputePipeline;
  createBindGroup(descriptor: { layout: GpuBindGroupLayout; entries: Array<{ binding: number; resource: GpuBufferBinding }>; label?: string }): GpuBindGroup;
  createCommandEncoder(descriptor?: { label?: string }): GpuCommandEncoder;
  pushErrorScope(filter: GpuErrorFilter): void;
  popErrorScope(): Promise<GpuError | null>;
  destroy(): void;
  addEventListener?(type: 'uncapturederror', listener: (event: { error: GpuError }) => void): void;
}
