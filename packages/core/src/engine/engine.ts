/**
 * The compute engine: where a model's weights and activations live and which backend runs the ops on them.
 * Models take an engine at load (`{ engine }`) and call its ops in their forward; the same model code runs
 * on every backend, in Node and in browsers.
 *
 * Ops enqueue. `engine.ops.layerNorm({ ... })` checks its arguments at once (a RangeError / TypeError naming
 * the op and the argument) and queues the work; the call returning means nothing about the numbers. They
 * are there when `await engine.read(array)` (a Float32Array copy) or `await engine.flush()` resolves; an
 * error while executing rejects that read / flush, and the engine goes on serving. CPU backends may run the
 * work inside the call, as long as this contract holds.
 *
 * Memory: an `Arena` is one model's share of the engine's memory (packed weights, parameters, activations),
 * freed together by `arena.dispose()`. Arrays are device arrays (handles, see device-array.ts).
 */

import type { BackendName } from '../backends/index.js';
import type { OpArgs } from '../ops/index.js';
import type { Conv2dOptions, ConvWeight } from '../ops/conv2d.js';
import type { GemmWeight } from '../ops/linear.js';
import type { DeviceArray } from './device-array.js';

export interface EngineOptions {
  /** Default: the first of BACKEND_NAMES this JavaScript engine runs ('wasm' where WebAssembly SIMD validates, else 'js'). */
  backend?: BackendName;
  /**
   * Threads, the calling one included ('wasm'). Default: every hardware thread where memory can be shared
   * with workers (Node, cross-origin isolated pages), else 1. The 'js' backend runs on one.
   */
  threads?: number;
  /**
   * The relaxed-SIMD FMA GEMM ('wasm' only). Default: wherever this JavaScript engine validates relaxed SIMD
   * (Chromium, Node ≥ 22, Deno, Bun; Node 20 too: createEngine sets V8's flag first unless this is `false`).
   * Results with and without FMA differ by float32 rounding only. `true` where it does not validate is an error.
   */
  relaxedSimd?: boolean;
}

export interface EngineDescription {
  backend: BackendName;
  /** The WASM GEMM: 'relaxed' (FMA), 'plain' (SIMD128 mul + add); null for other backends. */
  simd: 'relaxed' | 'plain' | null;
  /** Threads the ops use (calling thread + workers). */
  threads: number;
  /** Whether the engine's memory is shared with workers (SharedArrayBuffer). */
  sharedMemory: boolean;
}

/** A linear layer's weight packed by an arena for its engine (see ops/linear.ts). */
export type PreparedLinear = GemmWeight<DeviceArray>;
/** A convolution's weight packed by an arena for its engine (see ops/conv2d.ts). */
export type PreparedConv2d = ConvWeight<DeviceArray>;

/** The engine's ops, one per registered op (ops/index.ts): each checks its arguments and enqueues. */
export type EngineOps = { readonly [K in keyof OpArgs<DeviceArray>]: (args: OpArgs<DeviceArray>[K]) => void };

export interface ArenaOptions {
  /**
   * About how many bytes the arena will hold (weights + run state). An unshared WebAssembly heap cannot
   * grow, so the engine makes sure this much is free (a heap of its own for the arena if needed); elsewhere
   * a hint.
   */
  bytes?: number;
}

/** One model's share of engine memory: everything allocated here is freed by `dispose()`. */
export interface Arena {
  readonly engine: Engine;
  /** `length` zeros in engine memory. Throws HeapExhaustedError when the memory cannot hold them. */
  alloc(length: number): DeviceArray;
  /**
   * Like `alloc`, or null when the memory cannot hold it (callers then run smaller batches). Asynchronous:
   * some devices report a failed allocation only later.
   */
  tryAlloc(length: number): Promise<DeviceArray | null>;
  /** A copy of `values` in engine memory (parameters, inputs). */
  upload(values: Float32Array): DeviceArray;
  /** Frees an array from `alloc` / `tryAlloc` / `upload` (not a view) before the arena is disposed. */
  free(array: DeviceArray): void;
  /** Packs a torch-layout weight [outFeatures, inFeatures] and its bias for op `linear`. The inputs are not kept. */
  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): PreparedLinear;
  /** Packs a torch conv weight [out, in / groups, kh, kw] (and bias [out]) for op `conv2d`. */
  prepareConv2d(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options?: Conv2dOptions): PreparedConv2d;
  /** Bytes of engine memory the arena holds now. */
  readonly bytes: number;
  /** Frees everything the arena holds; its arrays and prepared weights must not be used afterwards. */
  dispose(): void;
}

export interface Engine {
  readonly backend: BackendName;
  describe(): EngineDescription;
  /** The ops (ops/index.ts), e.g. `engine.ops.linear({ x, rows, weight, out })`: checked, then enqueued. */
  readonly ops: EngineOps;
  createArena(options?: ArenaOptions): Arena;
  /** A copy of `values` in engine memory owned by the engine itself (free it with `free`, or let dispose). */
  upload(values: Float32Array): DeviceArray;
  /** Frees an array from `upload`. */
  free(array: DeviceArray): void;
  /** Enqueues a copy of `values` into `array` (at most its length). */
  write(array: DeviceArray, values: Float32Array): void;
  /** The values of `array` once the work enqueued before is done: a Float32Array copy (the only way data comes back). */
  read(array: DeviceArray): Promise<Float32Array>;
  /** Resolves when the work enqueued so far is done; rejects with an error it met. */
  flush(): Promise<void>;
  /** Stops the workers and frees the engine's memory; arenas and prepared weights become unusable. */
  dispose(): Promise<void>;
}
