/**
 * The 'wasm' backend: the WebAssembly SIMD kernels (emitted by ../wasm) over one heap, split over a worker
 * pool when memory can be shared. Weights are packed once into the heap; activations that live there are
 * used in place by every thread, anything else is staged through temporary heap blocks.
 *
 * Memory regions. With shared memory there is one heap (it grows on demand up to 4 GiB) and one pool.
 * Without (a page that is not cross-origin isolated) a heap cannot grow without detaching every view into
 * it, so each arena that asks for more than the current heap has free gets a heap of its own, sized for
 * it at model load (the compiled module is instantiated again over it; there are no workers in this mode).
 *
 * Calls into the pool: where this thread may block (Node, workers) the kernels block on their workers
 * (measured faster than awaiting them: no trip through the event loop per kernel); a browser page awaits
 * them, one parallel call at a time.
 */

import { activationKind } from '../kernels/activation-name.js';
import { activationRange, applyActivation } from '../kernels/activations.js';
import type { AttentionEagerOptions, AttentionIO, AttentionShape } from '../kernels/attention-io.js';
import type { Conv2dOptions } from '../kernels/output-shapes.js';
import { FastKernels } from '../parallel/fast-kernels.js';
import { sharedMemoryAvailable } from '../storage.js';
import { hardwareConcurrency } from '../parallel/platform.js';
import { isWasmActivation, WasmBackend, type GemmOptions, type PackedMatrix } from '../wasm/backend.js';
import { DEFAULT_TILING, FMA_TILING, type GemmTiling } from '../wasm/emit-gemm.js';
import { HeapExhaustedError, WasmHeap } from '../wasm/heap.js';
import { emitKernelModule, relaxedSimdSupported } from '../wasm/kernel-module.js';
import { conv2dNchw, conv2dNhwc, patchEmbed, prepareGroupedConv, preparePatchLinear, type CompositeHost } from './composite.js';
import type {
  Arena, ArenaOptions, Conv2dNhwcOptions, Engine, EngineDescription, LinearOptions, PatchEmbedOptions, PreparedConv2d, PreparedLinear, PreparedPatchEmbed,
} from './engine.js';

/** One heap with the kernel module instantiated over it (and, for the shared heap, the pool). */
interface Region {
  fast: FastKernels;
  heap: WasmHeap;
}

class WasmLinear implements PreparedLinear {
  readonly kind = 'linear';
  /** Set when its arena is disposed: its memory may be reused. */
  released = false;
  constructor(
    readonly region: Region,
    readonly packed: PackedMatrix, // Wᵀ in panels, in the region's heap
    readonly bias: Float32Array | null, // [outFeatures], in the region's heap
  ) {}

  get outFeatures(): number {
    return this.packed.n;
  }

  get inFeatures(): number {
    return this.packed.k;
  }
}

/** Heap bytes a fresh unshared heap keeps beyond what an arena asked for (staging, attention scratch). */
const UNSHARED_MARGIN = 32 << 20;
/** Size of the first unshared heap (kernels called on arrays outside any arena stage through it). */
const UNSHARED_INITIAL = 16 << 20;

class WasmArena implements Arena {
  private readonly blocks = new Set<Float32Array>();
  private readonly linears: WasmLinear[] = [];
  private disposed = false;

  constructor(readonly engine: WasmEngine, readonly region: Region) {}

  get bytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.byteLength;
    return n;
  }

  alloc(length: number): Float32Array {
    const a = this.tryAlloc(length);
    if (!a) throw new HeapExhaustedError(length * 4, this.region.heap.maxPages * 65536);
    return a;
  }

  tryAlloc(length: number): Float32Array | null {
    this.check();
    const a = this.region.heap.tryAllocFloat32(length);
    if (a) this.blocks.add(a);
    return a;
  }

  copy(values: Float32Array): Float32Array {
    const a = this.alloc(values.length);
    a.set(values);
    return a;
  }

  free(array: Float32Array): void {
    if (!this.blocks.delete(array)) throw new Error('Arena.free: the array was not allocated by this arena (or is already freed)');
    this.region.heap.freeArray(array);
  }

  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): PreparedLinear {
    this.check();
    if (weight.length !== outFeatures * inFeatures) {
      throw new RangeError(`prepareLinear: weight has ${weight.length} elements, expected [${outFeatures},${inFeatures}]`);
    }
    if (bias && bias.length !== outFeatures) throw new RangeError(`prepareLinear: bias has ${bias.length} elements, expected ${outFeatures}`);
    const packed = this.region.fast.packWeight(weight, outFeatures, inFeatures);
    this.blocks.add(packed.data);
    const linear = new WasmLinear(this.region, packed, bias ? this.copy(bias) : null);
    this.linears.push(linear);
    return linear;
  }

  prepareConv2d(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options?: Conv2dOptions): PreparedConv2d {
    return prepareGroupedConv((w, b, o, i) => this.prepareLinear(w, b, o, i), weight, wShape, bias, options);
  }

  preparePatchEmbed(weight: Float32Array, bias: Float32Array | null, dim: number, channels: number, patch: readonly [number, number]): PreparedPatchEmbed {
    return preparePatchLinear((w, b, o, i) => this.prepareLinear(w, b, o, i), weight, bias, dim, channels, patch);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.engine.disposed) for (const b of this.blocks) this.region.heap.freeArray(b);
    this.blocks.clear();
    for (const l of this.linears) l.released = true;
    this.linears.length = 0;
  }

  private check(): void {
    if (this.disposed) throw new Error('Arena: disposed');
    this.engine.checkLive();
  }
}

export interface WasmEngineOptions {
  threads?: number;
  relaxedSimd?: boolean;
  /** Use a shared heap and workers (default: where SharedArrayBuffer can be shared). */
  shared?: boolean;
  /** Block this thread on the workers (default: where this thread may block). */
  blocking?: boolean;
}

export class WasmEngine implements Engine, CompositeHost {
  readonly backend = 'wasm';
  disposed = false;
  private readonly regions: Region[];
  private readonly blocking: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly tiling: GemmTiling,
    private readonly module: WebAssembly.Module,
    readonly shared: boolean,
    main: Region,
    blocking: boolean,
  ) {
    this.regions = [main];
    this.blocking = blocking;
  }

  static async create(options: WasmEngineOptions = {}): Promise<WasmEngine> {
    const relaxed = options.relaxedSimd ?? relaxedSimdSupported();
    if (relaxed && !relaxedSimdSupported()) {
      throw new Error('relaxedSimd: this JavaScript engine does not validate relaxed-SIMD WebAssembly (Node 20: call enableRelaxedSimd() first, or run node with --experimental-wasm-relaxed-simd)');
    }
    const tiling = relaxed ? FMA_TILING : DEFAULT_TILING;
    const shared = options.shared ?? sharedMemoryAvailable();
    // Unshared: the first heap only stages calls on arrays outside arenas (models get heaps sized for them).
    const main = shared ? new WasmHeap({ shared: true }) : new WasmHeap({ shared: false, initialBytes: UNSHARED_INITIAL });
    const module = await WebAssembly.compile(emitKernelModule({ shared: main.shared, tiling }));
    const wanted = options.threads ?? (main.shared ? await hardwareConcurrency() : 1);
    if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`createEngine: threads must be a positive integer, got ${String(options.threads)}`);
    const fast = await FastKernels.create({ backend: WasmBackend.fromModule(main, tiling, module), threads: main.shared ? wanted : 1 });
    const blocking = options.blocking ?? (fast.pool !== null && fast.pool.canBlock);
    return new WasmEngine(tiling, module, main.shared, { fast, heap: main }, blocking);
  }

  describe(): EngineDescription {
    return { backend: 'wasm', simd: this.tiling.fma ? 'relaxed' : 'plain', threads: this.regions[0].fast.pool?.threads ?? 1, sharedMemory: this.shared };
  }

  createArena(options: ArenaOptions = {}): Arena {
    this.checkLive();
    const bytes = options.bytes ?? 0;
    if (this.shared || bytes === 0) return new WasmArena(this, this.regions[0]);
    const fits = this.regions.find((r) => r.heap.availableBytes >= bytes);
    if (fits) return new WasmArena(this, fits);
    // An unshared heap never grows: give this arena one sized for it.
    const heap = new WasmHeap({ shared: false, initialBytes: bytes + UNSHARED_MARGIN });
    const region: Region = { fast: FastKernels.fromBackend(WasmBackend.fromModule(heap, this.tiling, this.module)), heap };
    this.regions.push(region);
    return new WasmArena(this, region);
  }

  async linear(x: Float32Array, rows: number, layer: PreparedLinear, out: Float32Array, options: LinearOptions = {}): Promise<void> {
    if (!(layer instanceof WasmLinear)) throw new TypeError('linear: the layer was prepared by another engine');
    if (layer.released) throw new Error('linear: the layer was freed (its arena is disposed)');
    const kind = options.activation ? activationKind(options.activation) : 'identity';
    const fused = isWasmActivation(kind);
    let residual = options.residual ?? null;
    let copied: Float32Array | null = null;
    if (!fused && residual && overlaps(residual, out)) {
      // The GEMM overwrites `out` before the residual is added in TypeScript: keep a copy.
      copied = this.temp(residual.length, out);
      copied.set(residual);
      residual = copied;
    }
    const gemm: GemmOptions = {
      lda: options.ldx, ldc: options.ldo, bias: layer.bias, activation: fused ? kind : 'identity', residual: fused ? residual : null, ldr: options.ldr,
    };
    try {
      await this.call(layer.region, (f) => f.gemm(x, rows, layer.packed, out, gemm), (f) => f.gemmAsync(x, rows, layer.packed, out, gemm));
      if (!fused) {
        // Activations the WASM epilogue lacks (tanh, mish, relu6, …): in TypeScript over the rows.
        const n = layer.outFeatures, ldo = options.ldo ?? n, ldr = options.ldr ?? n;
        for (let r = 0; r < rows; r++) {
          activationRange(kind, out, out, r * ldo, r * ldo + n);
          if (residual) for (let j = 0; j < n; j++) out[r * ldo + j] += residual[r * ldr + j];
        }
      }
    } finally {
      if (copied) this.releaseTemp(copied);
    }
  }

  async layerNorm(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): Promise<void> {
    await this.call(this.regionOf(x, out, weight), (f) => f.layerNorm(x, rows, dim, weight, bias, eps, out), (f) => f.layerNormAsync(x, rows, dim, weight, bias, eps, out));
  }

  async softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): Promise<void> {
    await this.call(this.regionOf(x, out), (f) => f.softmax(x, rows, cols, out), (f) => f.softmaxAsync(x, rows, cols, out));
  }

  async activation(name: string, x: Float32Array, out: Float32Array): Promise<void> {
    const kind = activationKind(name);
    if (!isWasmActivation(kind)) {
      applyActivation(name, x, out);
      return;
    }
    await this.call(this.regionOf(x, out), (f) => f.activation(kind, x, out), (f) => f.activationAsync(kind, x, out));
  }

  async attentionFused(io: AttentionIO, shape: AttentionShape): Promise<void> {
    await this.call(this.regionOf(io.q, io.out), (f) => f.attentionFused(io, shape), (f) => f.attentionFusedAsync(io, shape));
  }

  async attentionEager(io: AttentionIO, shape: AttentionShape, options?: AttentionEagerOptions): Promise<void> {
    await this.call(this.regionOf(io.q, io.out), (f) => f.attentionEager(io, shape, options), (f) => f.attentionEagerAsync(io, shape, options));
  }

  patchEmbed(pixels: Float32Array, shape: readonly number[], embed: PreparedPatchEmbed, out: Float32Array, options?: PatchEmbedOptions): Promise<void> {
    return patchEmbed(this, pixels, shape, embed, out, options);
  }

  conv2dNhwc(x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array, options?: Conv2dNhwcOptions): Promise<void> {
    return conv2dNhwc(this, x, xShape, conv, out, options);
  }

  conv2d(x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array): Promise<void> {
    return conv2dNchw(this, x, xShape, conv, out);
  }

  temp(length: number, near?: Float32Array): Float32Array {
    this.checkLive();
    return this.regionOf(near).heap.allocFloat32(length);
  }

  releaseTemp(array: Float32Array): void {
    if (this.disposed) return;
    this.regionOf(array).heap.freeArray(array);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.regions.map((r) => r.fast.dispose()));
  }

  checkLive(): void {
    if (this.disposed) throw new Error('Engine: disposed');
  }

  /** The region whose heap holds the first of `arrays` that lives in one (the main region otherwise). */
  private regionOf(...arrays: ReadonlyArray<Float32Array | null | undefined>): Region {
    if (this.regions.length > 1) {
      for (const a of arrays) {
        if (!a) continue;
        const region = this.regions.find((r) => r.heap.locate(a) !== null);
        if (region) return region;
      }
    }
    return this.regions[0];
  }

  /** Runs a kernel: blocking on the workers where allowed, else awaiting them one parallel call at a time. */
  private async call(region: Region, sync: (f: FastKernels) => void, async: (f: FastKernels) => Promise<void>): Promise<void> {
    this.checkLive();
    if (this.blocking || region.fast.pool === null) {
      sync(region.fast);
      return;
    }
    const run = this.queue.then(() => async(region.fast));
    this.queue = run.catch(() => undefined);
    await run;
  }
}

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
