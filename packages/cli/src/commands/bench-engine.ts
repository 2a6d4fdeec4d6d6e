/**
 * The compute engine a benchmark configuration runs on: @purevit/core's `createEngine({ backend, threads,
 * relaxedSimd })`, made the default engine for the configuration's life, with one arena for the
 * benchmark's own buffers (engine memory, used in place by the kernels, as a model's run state is).
 */

import {
  createEngine, enableRelaxedSimd, relaxedSimdSupported, setDefaultEngine, wasmSimdSupported, type Arena, type Engine, type EngineDescription,
} from '@purevit/core';

export type BenchBackend = 'wasm' | 'js';
export const BENCH_BACKENDS: readonly BenchBackend[] = ['wasm', 'js'];

/** The WASM GEMM: relaxed-SIMD FMA, or plain SIMD128 multiply + add. */
export type BenchSimd = 'relaxed' | 'plain';
export const BENCH_SIMD: readonly BenchSimd[] = ['relaxed', 'plain'];

export interface BenchEngine {
  readonly engine: Engine;
  readonly arena: Arena;
  describe(): EngineDescription;
  dispose(): Promise<void>;
}

/** The backends this JavaScript engine runs, preferred first. */
export function availableBackends(): BenchBackend[] {
  return wasmSimdSupported() ? ['wasm', 'js'] : ['js'];
}

/**
 * Creates the engine and makes it the default. Relaxed SIMD is turned on first where that takes a flag
 * (Node 20: V8's, before any module compiles; a configuration compiles its kernels only here) unless
 * `simd` is 'plain'. 'relaxed' where it cannot be had is an error; null takes the best available.
 */
export async function openEngine(backend: BenchBackend, threads: number, simd: BenchSimd | null = null): Promise<BenchEngine> {
  let relaxedSimd: boolean | undefined;
  if (backend === 'wasm') {
    const relaxedAvailable = simd !== 'plain' && (relaxedSimdSupported() || (await enableRelaxedSimd()));
    if (simd === 'relaxed' && !relaxedAvailable) throw new Error('relaxed SIMD is not available in this JavaScript engine: use --simd plain');
    if (simd !== null) relaxedSimd = simd === 'relaxed';
  }
  const engine = await createEngine({ backend, threads, relaxedSimd });
  setDefaultEngine(engine);
  const arena = engine.createArena();
  return {
    engine,
    arena,
    describe: () => engine.describe(),
    dispose: async () => {
      arena.dispose();
      setDefaultEngine(null);
      await engine.dispose();
    },
  };
}
