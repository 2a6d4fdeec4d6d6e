/**
 * The compute engine a benchmark configuration runs on, through @purevit/core's engine API
 * (`createEngine({ backend, threads })`, `setDefaultEngine`, `engine.describe()`, `engine.dispose()`).
 * Looked up at run time, so the bench also runs on a core without it: then only the plain-TypeScript
 * kernels exist (backend "js", one thread) and asking for "wasm" is an error naming the reason.
 */

import * as core from '@purevit/core';

export type BenchBackend = 'wasm' | 'js';
export const BENCH_BACKENDS: readonly BenchBackend[] = ['wasm', 'js'];

/** What `Engine.describe()` returns. */
export interface EngineDescription {
  backend: BenchBackend;
  simd: 'relaxed' | 'plain' | null;
  threads: number;
  sharedMemory: boolean;
}

interface CoreEngine {
  describe(): EngineDescription;
  dispose(): unknown;
}

interface EngineApi {
  createEngine(options: { backend?: BenchBackend; threads?: number }): Promise<CoreEngine>;
  setDefaultEngine(engine: CoreEngine | null): void;
}

/** A running engine as the benchmarks see it. */
export interface BenchEngine {
  describe(): EngineDescription;
  /** What model loaders take as `{ engine }` (undefined: the plain kernels). */
  readonly handle: unknown;
  dispose(): Promise<void>;
}

function engineApi(): EngineApi | null {
  const exports = core as unknown as Record<string, unknown>;
  return typeof exports.createEngine === 'function' && typeof exports.setDefaultEngine === 'function' ? (exports as unknown as EngineApi) : null;
}

/** The backends this build of @purevit/core offers, preferred first. */
export function availableBackends(): BenchBackend[] {
  return engineApi() ? ['wasm', 'js'] : ['js'];
}

/**
 * Creates the engine and makes it the default, so the free kernel functions (`linear`, `attentionFused`,
 * …) run on it as the models do.
 */
export async function openEngine(backend: BenchBackend, threads: number): Promise<BenchEngine> {
  const api = engineApi();
  if (!api) {
    if (backend !== 'js') throw new Error(`the ${backend} backend is not in this build of @purevit/core (no createEngine): use --backend js`);
    const description: EngineDescription = { backend: 'js', simd: null, threads: 1, sharedMemory: core.sharedMemoryAvailable() };
    return { describe: () => description, handle: undefined, dispose: async () => {} };
  }
  const engine = await api.createEngine({ backend, threads });
  api.setDefaultEngine(engine);
  return {
    describe: () => engine.describe(),
    handle: engine,
    dispose: async () => {
      api.setDefaultEngine(null);
      await engine.dispose();
    },
  };
}
