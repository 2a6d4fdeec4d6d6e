/**
 * The WebGPU backend: device, memory and kernels in one object, with GPU-resident arrays. Kernels only
 * record work (nothing is submitted until `read` or `flush`), weights are uploaded once by the `prepare*`
 * calls, activations come from a buffer pool, and `read` is the one way back to the CPU: one submission and
 * one copy for all the arrays asked for. Errors surface at `read` / `finish` (WebGPU reports them
 * asynchronously): WebGpuOutOfMemoryError, WebGpuDeviceLostError, WebGpuValidationError.
 */

import type { AttentionShape } from '../../ops/attention-args.js';
import { activationKind, type ActivationKind, type ActivationName } from '../../ops/activation-name.js';
import type { MaxPool2dOptions } from './kernels/pool-geometry.js';
import { BufferPool } from './buffer-pool.js';
import { WebGpuDevice, type WebGpuAdapterDescription, type WebGpuDeviceOptions } from './device.js';
import type { GpuArray } from './gpu-array.js';
import { recordAttentionEager, recordAttentionFused, type GpuAttentionEagerOptions, type GpuAttentionIO } from './kernels/attention.js';
import {
  prepareGpuConv2d, prepareGpuPatchEmbed, recordConv2dNhwc, recordPatchEmbed,
  type GpuConv2d, type GpuConv2dOptions, type GpuConvRunOptions, type GpuPatchEmbed, type GpuPatchEmbedOptions,
} from './kernels/conv.js';
import { recordElementwise, type StridedView } from './kernels/elementwise.js';
import { prepareGpuLinear, recordLinear, type GpuLinear, type GpuLinearOptions } from './kernels/linear.js';
import { recordAdaptiveAvgPool2d, recordAvgPool2d, recordMaxPool2d, type AvgPool2dOptions, type MapLayout } from './kernels/pool.js';
import { recordLayerNorm, recordSoftmax, type RowStrides } from './kernels/rows.js';
import { GpuMemory } from './memory.js';
import { CommandRecorder, type WebGpuCounters } from './recorder.js';
import { DEFAULT_ATTENTION_TILE, type AttentionTile } from './wgsl/attention.js';
import type { CombineOp } from './wgsl/elementwise.js';
import { checkGemmTile, DEFAULT_GEMM_TILE, type GemmTile } from './wgsl/gemm.js';

export interface WebGpuBackendOptions extends WebGpuDeviceOptions {
  /** GEMM tile (default 64×64×16, 4×4 per thread). */
  gemmTile?: GemmTile;
  /** Fused attention blocks (default 64 queries × 32 keys). */
  attentionTile?: AttentionTile;
}

type Prepared = GpuLinear | GpuConv2d | GpuPatchEmbed;

export class WebGpuBackend {
  readonly adapter: WebGpuAdapterDescription;
  readonly gemmTile: GemmTile;
  readonly attentionTile: AttentionTile;
  private readonly rec: CommandRecorder;
  private readonly memory: GpuMemory;
  private disposed = false;

  private constructor(private readonly gpu: WebGpuDevice, options: WebGpuBackendOptions) {
    this.adapter = gpu.adapter;
    this.rec = new CommandRecorder(gpu);
    this.memory = new GpuMemory(this.rec, new BufferPool(gpu.device), gpu.limits.maxStorageBufferBindingSize);
    this.gemmTile = options.gemmTile ?? DEFAULT_GEMM_TILE;
    checkGemmTile(this.gemmTile, gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupStorageSize);
    this.attentionTile = options.attentionTile ?? DEFAULT_ATTENTION_TILE;
  }

  /** Acquires a device (`navigator.gpu` or `options.gpu`); throws WebGpuUnavailableError without one. */
  static async create(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
    return new WebGpuBackend(await WebGpuDevice.acquire(options), options);
  }

  /** Dispatches, submissions, bytes read back and written, pipelines compiled (since creation). */
  get counters(): Readonly<WebGpuCounters> {
    return { ...this.rec.counters };
  }

  /** Bytes of GPU buffers held (weights, pooled activations). */
  get bytes(): number {
    return this.memory.pool.bytes;
  }

  // Memory -------------------------------------------------------------------------------------------------

  alloc(length: number, options?: { zero?: boolean }): GpuArray {
    this.check();
    return this.memory.alloc(length, options);
  }

  /** An activation initialised from the CPU (an input), from the pool. */
  from(values: Float32Array): GpuArray {
    this.check();
    const array = this.memory.alloc(values.length);
    this.rec.write(array, values);
    return array;
  }

  /** A parameter uploaded once into a buffer of its own. */
  upload(values: Float32Array): GpuArray {
    this.check();
    return this.memory.upload(values);
  }

  /** Overwrites `array` with `values` after the work recorded so far. */
  write(array: GpuArray, values: Float32Array): void {
    this.check();
    this.rec.write(array, values);
  }

  /** Frees an array from `alloc` / `from` (pooled) or `upload` (destroyed). */
  free(array: GpuArray): void {
    if (this.disposed) return;
    this.memory.free(array);
  }

  /** Frees a prepared weight's buffers. */
  release(prepared: Prepared): void {
    if (this.disposed) return;
    this.memory.destroy(prepared.weight);
    if (prepared.bias) this.memory.destroy(prepared.bias);
  }

  /** Submits the recorded work and returns copies of `arrays` (one submission, one staging copy). */
  async read(...arrays: GpuArray[]): Promise<Float32Array[]> {
    this.check();
    for (const a of arrays) a.check('read');
    return this.rec.read(arrays);
  }

  /** Submits the recorded work without reading anything back. */
  flush(): void {
    this.check();
    this.rec.flush();
  }

  /** Submits and waits until the device has run everything; throws the first error it reported. */
  async finish(): Promise<void> {
    this.flush();
    await this.gpu.device.queue.onSubmittedWorkDone();
    await this.rec.settle();
  }

  // Prepared weights ---------------------------------------------------------------------------------------

  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GpuLinear {
    this.check();
    return prepareGpuLinear(this.memory, weight, bias, outFeatures, inFeatures);
  }

  prepareConv2d(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options?: GpuConv2dOptions): GpuConv2d {
    this.check();
    return prepareGpuConv2d(this.memory, weight, wShape, bias, options);
  }

  preparePatchEmbed(weight: Float32Array, bias: Float32Array | null, dim: number, channels: number, patch: readonly [number, number]): GpuPatchEmbed {
    this.check();
    return prepareGpuPatchEmbed(this.memory, weight, bias, dim, channels, patch);
  }

  // Kernels (record only) ----------------------------------------------------------------------------------

  /** out[rows, out] = x · Wᵀ + b, then the activation, then + residual (one GEMM dispatch). */
  linear(x: GpuArray, rows: number, layer: GpuLinear, out: GpuArray, options?: GpuLinearOptions): void {
    this.check();
    recordLinear(this.rec, x, rows, layer, out, options, this.gemmTile);
  }

  layerNorm(x: GpuArray, rows: number, dim: number, weight: GpuArray | null, bias: GpuArray | null, eps: number, out: GpuArray, strides?: RowStrides): void {
    this.check();
    recordLayerNorm(this.rec, x, rows, dim, weight, bias, eps, out, strides);
  }

  softmax(x: GpuArray, rows: number, cols: number, out: GpuArray, strides?: RowStrides): void {
    this.check();
    recordSoftmax(this.rec, x, rows, cols, out, strides);
  }

  /** out = act(x) elementwise (same length; out may be x). */
  activation(name: ActivationName | string, x: GpuArray, out: GpuArray): void {
    this.check();
    const kind: ActivationKind = activationKind(name);
    if (out.length < x.length) throw new RangeError(`activation: out has ${out.length} elements, input ${x.length}`);
    recordElementwise(this.rec, 'copy', [x.length], { array: out }, [{ array: x }], kind);
  }

  /** out(i) = act(op(inputs(i))) over `shape` with broadcasting strides (see kernels/elementwise.ts). */
  elementwise(op: CombineOp, shape: readonly number[], out: StridedView, inputs: readonly StridedView[], activation?: ActivationName | null): void {
    this.check();
    recordElementwise(this.rec, op, shape, out, inputs, activation ? activationKind(activation) : null);
  }

  attentionFused(io: GpuAttentionIO, shape: AttentionShape): void {
    this.check();
    recordAttentionFused(this.rec, io, shape, this.attentionTile);
  }

  attentionEager(io: GpuAttentionIO, shape: AttentionShape, options?: GpuAttentionEagerOptions): void {
    this.check();
    recordAttentionEager(this.rec, this.memory, io, shape, options);
  }

  patchEmbed(pixels: GpuArray, shape: readonly number[], embed: GpuPatchEmbed, out: GpuArray, options?: GpuPatchEmbedOptions): void {
    this.check();
    recordPatchEmbed(this.rec, pixels, shape, embed, out, options);
  }

  conv2dNhwc(x: GpuArray, xShape: readonly number[], conv: GpuConv2d, out: GpuArray, options?: GpuConvRunOptions): void {
    this.check();
    recordConv2dNhwc(this.rec, x, xShape, conv, out, options);
  }

  maxPool2d(x: GpuArray, layout: MapLayout, shape: readonly number[], options: MaxPool2dOptions, out: GpuArray): [number, number, number, number] {
    this.check();
    return recordMaxPool2d(this.rec, x, layout, shape, options, out);
  }

  avgPool2d(x: GpuArray, layout: MapLayout, shape: readonly number[], options: AvgPool2dOptions, out: GpuArray): [number, number, number, number] {
    this.check();
    return recordAvgPool2d(this.rec, x, layout, shape, options, out);
  }

  adaptiveAvgPool2d(x: GpuArray, layout: MapLayout, shape: readonly number[], outSize: number | readonly [number, number], out: GpuArray): [number, number, number, number] {
    this.check();
    return recordAdaptiveAvgPool2d(this.rec, x, layout, shape, outSize, out);
  }

  /** Releases the device (its buffers with it); later calls throw. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rec.destroy();
    this.memory.pool.trim();
    this.gpu.device.destroy();
  }

  private check(): void {
    if (this.disposed) throw new Error('WebGpuBackend: disposed');
    this.gpu.checkAlive();
  }
}
