/**
 * The 'wasm' backend: the emitted WebAssembly SIMD kernels (register.ts) over one heap, split over a worker
 * pool where memory can be shared. Weights are packed once into the heap; activations live there and every
 * thread reads them in place.
 *
 * Regions. With shared memory there is one heap (it grows on demand up to 4 GiB) and one pool. Without (a
 * page that is not cross-origin isolated) a heap cannot grow without detaching every view into it, so each
 * arena that asks for more than the current heap has free gets a heap of its own, sized for it at model load
 * (the compiled module is instantiated again over it; there are no workers in this mode). An op's arrays
 * must live in one region (a model's do: they come from its arena).
 *
 * Execution. Every op enqueues on one queue; a step with several lanes blocks on the workers where this
 * thread may block (Node, workers: measured faster than awaiting them, no trip through the event loop per
 * op), so there ops complete inside the call; a browser page awaits them, one op after the other.
 */

import type { Backend, BackendMemory } from '../../engine/backend.js';
import type { DeviceArray } from '../../engine/device-array.js';
import type { EngineDescription, EngineOptions } from '../../engine/engine.js';
import { WorkQueue } from '../../engine/work-queue.js';
import { convSpec, type Conv2dOptions, type ConvWeight } from '../../ops/conv2d.js';
import type { OpArgs, OpName } from '../../ops/index.js';
import type { GemmWeight } from '../../ops/linear.js';
import { sharedMemoryAvailable } from '../../storage.js';
import type { HostBlock } from '../host/host-array.js';
import type { BackendFactory } from '../index.js';
import { DEFAULT_TILING, FMA_TILING, type GemmTiling } from './emit-gemm.js';
import { WasmHeap } from './heap.js';
import { KernelInstance } from './instance.js';
import { emitKernelModule, relaxedSimdSupported, wasmSimdSupported } from './kernel-module.js';
import { convPackedLengths, packWasmConv, wasmConvLayout } from './kernels/conv2d.js';
import { wasmGemmLayout } from './kernels/linear.js';
import { packedLength, packTransposedInto } from './packing.js';
import { execute, type PlanContext } from './plan.js';
import { enableRelaxedSimd, hardwareConcurrency } from './pool/platform.js';
import { WorkerPool } from './pool/worker-pool.js';
import { Region } from './region.js';
import { WASM_KERNELS } from './register.js';
import { WasmArray } from './wasm-array.js';

/** Heap bytes a fresh unshared heap keeps beyond what an arena asked for (temporaries, attention scratch). */
const UNSHARED_MARGIN = 32 << 20;
/** Size of the first unshared heap (the engine's own uploads live there; models get heaps sized for them). */
const UNSHARED_INITIAL = 16 << 20;

export interface WasmBackendOptions {
  threads?: number;
  relaxedSimd?: boolean;
  /** Use a shared heap and workers (default: where SharedArrayBuffer can be shared). */
  shared?: boolean;
  /** Block this thread on the workers (default: where this thread may block). */
  blocking?: boolean;
}

class WasmMemory implements BackendMemory<WasmArray> {
  private readonly blocks = new Map<HostBlock, Float32Array>();

  constructor(
    private readonly backend: WasmBackend,
    private readonly region: Region,
  ) {}

  get bytes(): number {
    let n = 0;
    for (const data of this.blocks.values()) n += data.byteLength;
    return n;
  }

  alloc(length: number): WasmArray | null {
    this.backend.checkLive();
    const data = this.region.heap.tryAllocFloat32(length);
    if (!data) return null;
    const block: HostBlock = { freed: false };
    this.blocks.set(block, data);
    return new WasmArray(data, block, this.region);
  }

  async tryAlloc(length: number): Promise<WasmArray | null> {
    return this.alloc(length);
  }

  free(array: WasmArray): void {
    const data = this.blocks.get(array.block);
    if (!data) return;
    this.blocks.delete(array.block);
    array.block.freed = true;
    this.backend.release(this.region, data);
  }

  prepareGemm(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GemmWeight<WasmArray> {
    const { nr } = this.backend.tiling;
    const packed = this.mustAlloc(packedLength(inFeatures, outFeatures, nr));
    packTransposedInto(weight, outFeatures, inFeatures, nr, packed.data);
    return { outFeatures, inFeatures, layout: wasmGemmLayout(this.backend.tiling), packed, bias: bias && this.copy(bias) };
  }

  prepareConv(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions): ConvWeight<WasmArray> {
    const { nr } = this.backend.tiling;
    const packed = this.mustAlloc(convPackedLengths(convSpec(wShape, options), nr).total);
    const spec = packWasmConv(weight, wShape, options, nr, packed.data);
    return { spec, layout: wasmConvLayout(spec, this.backend.tiling), packed, bias: bias && this.copy(bias) };
  }

  dispose(): void {
    for (const [block, data] of this.blocks) {
      block.freed = true;
      this.backend.release(this.region, data);
    }
    this.blocks.clear();
  }

  private mustAlloc(length: number): WasmArray {
    const a = this.alloc(length);
    if (!a) this.region.heap.alloc(length * 4); // throws HeapExhaustedError with the heap's capacity
    return a as WasmArray;
  }

  private copy(values: Float32Array): WasmArray {
    const a = this.mustAlloc(values.length);
    a.data.set(values);
    return a;
  }
}

export class WasmBackend implements Backend<WasmArray> {
  private readonly queue = new WorkQueue();
  private readonly regions: Region[];
  private disposed = false;

  private constructor(
    readonly tiling: GemmTiling,
    private readonly module: WebAssembly.Module,
    readonly shared: boolean,
    main: Region,
  ) {
    this.regions = [main];
  }

  static async create(options: WasmBackendOptions = {}): Promise<WasmBackend> {
    const relaxed = options.relaxedSimd ?? relaxedSimdSupported();
    if (relaxed && !relaxedSimdSupported()) {
      throw new Error('relaxedSimd: this JavaScript engine does not validate relaxed-SIMD WebAssembly (Node 20: call enableRelaxedSimd() first, or run node with --experimental-wasm-relaxed-simd)');
    }
    const tiling = relaxed ? FMA_TILING : DEFAULT_TILING;
    const shared = options.shared ?? sharedMemoryAvailable();
    const heap = shared ? new WasmHeap({ shared: true }) : new WasmHeap({ shared: false, initialBytes: UNSHARED_INITIAL });
    const module = await WebAssembly.compile(emitKernelModule({ shared: heap.shared, tiling }));
    const wanted = options.threads ?? (heap.shared ? await hardwareConcurrency() : 1);
    if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`createEngine: threads must be a positive integer, got ${String(options.threads)}`);
    const instance = new KernelInstance(heap, tiling, module);
    let pool: WorkerPool | null = null;
    if (heap.shared && wanted > 1) pool = await WorkerPool.create(instance, { threads: wanted });
    const blocking = options.blocking ?? (pool !== null && pool.canBlock);
    return new WasmBackend(tiling, module, heap.shared, new Region(heap, instance, pool, blocking || pool === null));
  }

  describe(): EngineDescription {
    return { backend: 'wasm', simd: this.tiling.fma ? 'relaxed' : 'plain', threads: this.regions[0].lanes, sharedMemory: this.shared };
  }

  owns(array: DeviceArray): array is WasmArray {
    return array instanceof WasmArray && this.regions.includes(array.region);
  }

  openMemory(bytes: number): BackendMemory<WasmArray> {
    this.checkLive();
    if (this.shared || bytes === 0) return new WasmMemory(this, this.regions[0]);
    const fits = this.regions.find((r) => r.heap.availableBytes >= bytes);
    if (fits) return new WasmMemory(this, fits);
    // An unshared heap never grows: give this arena one sized for it.
    const heap = new WasmHeap({ shared: false, initialBytes: bytes + UNSHARED_MARGIN });
    const region = new Region(heap, new KernelInstance(heap, this.tiling, this.module), null, true);
    this.regions.push(region);
    return new WasmMemory(this, region);
  }

  run<K extends OpName>(name: K, args: OpArgs<WasmArray>[K]): void {
    this.checkLive();
    const region = regionOf(name, args);
    const kernel = WASM_KERNELS[name];
    this.queue.enqueue(() => {
      const temps: number[] = [];
      const ctx: PlanContext = {
        heap: region.heap,
        tiling: this.tiling,
        lanes: region.lanes,
        scratch: (lane) => region.scratch(lane),
        temp: (floats) => {
          const ptr = region.heap.alloc(Math.max(1, floats) * 4);
          temps.push(ptr);
          return ptr;
        },
      };
      const release = (): void => {
        if (!this.disposed) for (const ptr of temps) region.heap.free(ptr);
      };
      let pending: void | Promise<void>;
      try {
        pending = execute(kernel.plan(args, ctx), region.runner);
      } catch (error) {
        release();
        throw error;
      }
      if (pending) return pending.finally(release);
      release();
    });
  }

  write(array: WasmArray, values: Float32Array): void {
    this.queue.enqueue(() => array.data.set(values));
  }

  async read(array: WasmArray): Promise<Float32Array> {
    await this.queue.drain();
    return array.data.slice();
  }

  flush(): Promise<void> {
    return this.queue.drain();
  }

  /** Frees a heap block after the work enqueued before it. */
  release(region: Region, data: Float32Array): void {
    this.queue.enqueue(() => {
      if (!this.disposed) region.heap.freeArray(data);
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.queue.drain().catch(() => undefined);
    this.disposed = true;
    await Promise.all(this.regions.map((r) => r.dispose()));
  }

  checkLive(): void {
    if (this.disposed) throw new Error('Engine: disposed');
  }
}

/** The region every array of the call lives in. */
function regionOf(name: string, args: object): Region {
  let region: Region | null = null;
  const visit = (value: unknown, depth: number): void => {
    if (value instanceof WasmArray) {
      if (region && value.region !== region) {
        throw new Error(`${name}: the arrays of one call must live in one memory region (an unshared WebAssembly engine gives big arenas heaps of their own: allocate them from one arena)`);
      }
      region = value.region;
    } else if (value !== null && typeof value === 'object' && depth < 3 && !ArrayBuffer.isView(value)) {
      for (const v of Object.values(value)) visit(v, depth + 1);
    }
  };
  visit(args, 0);
  const found = region as Region | null;
  if (!found) throw new Error(`${name}: no array argument`);
  return found;
}

export const WASM_BACKEND: BackendFactory = {
  available: wasmSimdSupported,
  async create(options: EngineOptions): Promise<Backend> {
    if (!wasmSimdSupported()) throw new Error('createEngine: this JavaScript engine does not run WebAssembly SIMD; use backend "js"');
    // Node 20 validates relaxed SIMD only behind V8's flag: set it before the kernels compile, so library
    // users get the FMA GEMM as the CLI does. `relaxedSimd: false` leaves V8's flags alone.
    if (options.relaxedSimd !== false) await enableRelaxedSimd();
    return WasmBackend.create({ threads: options.threads, relaxedSimd: options.relaxedSimd });
  },
};
