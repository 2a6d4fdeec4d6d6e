/**
 * The 'js' backend: every op in plain TypeScript (register.ts) on the calling thread, arrays in plain
 * ArrayBuffers. It needs no WebAssembly and no shared memory, runs each op inside the call, and is the
 * fast path every other backend's numbers are compared with after the reference.
 */

import type { Backend, BackendMemory } from '../../engine/backend.js';
import type { DeviceArray } from '../../engine/device-array.js';
import type { EngineDescription, EngineOptions } from '../../engine/engine.js';
import { WorkQueue } from '../../engine/work-queue.js';
import { convSpec, type Conv2dOptions, type ConvWeight } from '../../ops/conv2d.js';
import type { OpArgs, OpName } from '../../ops/index.js';
import type { GemmWeight } from '../../ops/linear.js';
import { allocFloat32, sharedMemoryAvailable } from '../../storage.js';
import { hostArgs, HostArray, type HostBlock } from '../host/host-array.js';
import type { BackendFactory } from '../index.js';
import { JS_CONV_LAYOUT, jsConvPackedLength, packJsConv } from './kernels/conv2d.js';
import { JS_GEMM_LAYOUT, jsPackedLength, packJsGemm } from './kernels/linear.js';
import { JS_KERNELS } from './register.js';

export class JsArray extends HostArray {
  constructor(data: Float32Array, block: HostBlock, readonly owner: JsBackend) {
    super(data, block);
  }

  override view(offset: number, length?: number): JsArray {
    return new JsArray(this.subview(offset, length), this.block, this.owner);
  }
}

class JsMemory implements BackendMemory<JsArray> {
  bytes = 0;
  private readonly blocks = new Set<HostBlock>();

  constructor(private readonly backend: JsBackend) {}

  alloc(length: number): JsArray {
    const block: HostBlock = { freed: false };
    this.blocks.add(block);
    this.bytes += length * 4;
    return new JsArray(allocFloat32(length), block, this.backend);
  }

  async tryAlloc(length: number): Promise<JsArray | null> {
    return this.alloc(length);
  }

  free(array: JsArray): void {
    array.block.freed = true;
    this.blocks.delete(array.block);
    this.bytes = Math.max(0, this.bytes - array.data.byteLength);
  }

  prepareGemm(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GemmWeight<JsArray> {
    const packed = this.alloc(jsPackedLength(outFeatures, inFeatures));
    packJsGemm(weight, outFeatures, inFeatures, packed.data);
    return { outFeatures, inFeatures, layout: JS_GEMM_LAYOUT, packed, bias: bias && this.copy(bias) };
  }

  prepareConv(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions): ConvWeight<JsArray> {
    const spec = convSpec(wShape, options);
    const packed = this.alloc(jsConvPackedLength(spec));
    packJsConv(weight, spec, packed.data);
    return { spec, layout: JS_CONV_LAYOUT, packed, bias: bias && this.copy(bias) };
  }

  dispose(): void {
    for (const block of this.blocks) block.freed = true;
    this.blocks.clear();
    this.bytes = 0;
  }

  private copy(values: Float32Array): JsArray {
    const a = this.alloc(values.length);
    a.data.set(values);
    return a;
  }
}

export class JsBackend implements Backend<JsArray> {
  private readonly queue = new WorkQueue();

  describe(): EngineDescription {
    return { backend: 'js', simd: null, threads: 1, sharedMemory: sharedMemoryAvailable() };
  }

  owns(array: DeviceArray): array is JsArray {
    return array instanceof JsArray && array.owner === this;
  }

  openMemory(): BackendMemory<JsArray> {
    return new JsMemory(this);
  }

  run<K extends OpName>(name: K, args: OpArgs<JsArray>[K]): void {
    const kernel = JS_KERNELS[name];
    this.queue.enqueue(() => kernel(hostArgs(args) as OpArgs<Float32Array>[K]));
  }

  write(array: JsArray, values: Float32Array): void {
    this.queue.enqueue(() => array.data.set(values));
  }

  async read(array: JsArray): Promise<Float32Array> {
    await this.queue.drain();
    return array.data.slice();
  }

  flush(): Promise<void> {
    return this.queue.drain();
  }

  async dispose(): Promise<void> {}
}

export const JS_BACKEND: BackendFactory = {
  available: () => true,
  async create(options: EngineOptions): Promise<Backend> {
    if (options.relaxedSimd) throw new Error('createEngine: relaxedSimd applies to the "wasm" backend only');
    return new JsBackend();
  },
};
