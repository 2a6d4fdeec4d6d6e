/**
 * The compute engine a benchmark configuration runs on, through @purevit/core's engine API
 * (`createEngine({ backend, threads })`, `engine.createArena()`, the engine's async kernels,
 * `engine.describe()`, `engine.dispose()`). Looked up at run time, so the bench also runs on a core without
 * it: then only the plain-TypeScript kernels exist (backend "js", one thread, core's synchronous kernel
 * functions) and asking for "wasm" is an error naming the reason.
 */

import * as core from '@purevit/core';
import type { AttentionIO, AttentionShape } from '@purevit/core';

export type BenchBackend = 'wasm' | 'js';
export const BENCH_BACKENDS: readonly BenchBackend[] = ['wasm', 'js'];

/** What `Engine.describe()` returns. */
export interface EngineDescription {
  backend: BenchBackend;
  simd: 'relaxed' | 'plain' | null;
  threads: number;
  sharedMemory: boolean;
}

/** The part of core's Engine / Arena the benchmarks use. */
interface CoreArena {
  alloc(length: number): Float32Array;
  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): unknown;
  dispose(): void;
}
interface CoreEngine {
  describe(): EngineDescription;
  createArena(options?: { bytes?: number }): CoreArena;
  linear(x: Float32Array, rows: number, layer: unknown, out: Float32Array): Promise<void>;
  attentionFused(io: AttentionIO, shape: AttentionShape): Promise<void>;
  attentionEager(io: AttentionIO, shape: AttentionShape): Promise<void>;
  dispose(): Promise<void>;
}
interface EngineApi {
  createEngine(options: { backend?: BenchBackend; threads?: number }): Promise<CoreEngine>;
  setDefaultEngine(engine: CoreEngine | null): void;
}

/** A running engine as the benchmarks see it: memory, the kernels they time, and the handle models take. */
export interface BenchEngine {
  describe(): EngineDescription;
  /** What model loaders take as `{ engine }` (undefined: the plain kernels, no engine API). */
  readonly handle: unknown;
  /** `length` zeroed floats in the engine's memory (used in place by its kernels). */
  alloc(length: number): Float32Array;
  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): unknown;
  linear(x: Float32Array, rows: number, layer: unknown, out: Float32Array): Promise<void>;
  attentionEager(io: AttentionIO, shape: AttentionShape): Promise<void>;
  attentionFused(io: AttentionIO, shape: AttentionShape): Promise<void>;
  dispose(): Promise<void>;
}

function engineApi(): EngineApi | null {
  const exports = core as unknown as Record<string, unknown>;
  return typeof exports.createEngine === 'function' && typeof exports.setDefaultEngine === 'function' ? (exports as unknown as EngineApi) : null;
}

/** The backends this build of @purevit/core offers, preferred first. */
export function availableBackends(): BenchBackend[] {
  const wasm = (core as unknown as { wasmSimdSupported?: () => boolean }).wasmSimdSupported;
  return engineApi() && (wasm === undefined || wasm()) ? ['wasm', 'js'] : ['js'];
}

/** Core's synchronous plain-TypeScript kernels, for a core without the engine API. */
function plainKernels(): BenchEngine {
  const description: EngineDescription = { backend: 'js', simd: null, threads: 1, sharedMemory: core.sharedMemoryAvailable() };
  return {
    describe: () => description,
    handle: undefined,
    alloc: (n) => core.allocFloat32(n),
    prepareLinear: (w, b, o, i) => core.prepareLinear(w, b, o, i),
    linear: async (x, rows, layer, out) => core.linear(x, rows, layer as core.LinearLayer, out),
    attentionEager: async (io, shape) => core.attentionEager(io, shape),
    attentionFused: async (io, shape) => core.attentionFused(io, shape),
    dispose: async () => {},
  };
}

/** Creates the engine (and makes it the default, which models fall back to) with one arena for the benchmark's buffers. */
export async function openEngine(backend: BenchBackend, threads: number): Promise<BenchEngine> {
  const api = engineApi();
  if (!api) {
    if (backend !== 'js') throw new Error(`the ${backend} backend is not in this build of @purevit/core (no createEngine): use --backend js`);
    return plainKernels();
  }
  const engine = await api.createEngine({ backend, threads });
  api.setDefaultEngine(engine);
  const arena = engine.createArena();
  return {
    describe: () => engine.describe(),
    handle: engine,
    alloc: (n) => arena.alloc(n),
    prepareLinear: (w, b, o, i) => arena.prepareLinear(w, b, o, i),
    linear: (x, rows, layer, out) => engine.linear(x, rows, layer, out),
    attentionEager: (io, shape) => engine.attentionEager(io, shape),
    attentionFused: (io, shape) => engine.attentionFused(io, shape),
    dispose: async () => {
      arena.dispose();
      api.setDefaultEngine(null);
      await engine.dispose();
    },
  };
}
