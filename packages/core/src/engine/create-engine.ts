/**
 * Creating engines, and the process-wide default engine that models use when they are given none.
 */

import { enableRelaxedSimd } from '../parallel/platform.js';
import { wasmSimdSupported } from '../wasm/kernel-module.js';
import type { Engine, EngineOptions } from './engine.js';
import { JsEngine } from './js-engine.js';
import { WasmEngine } from './wasm-engine.js';

/**
 * An engine: `backend` 'wasm' (default where WebAssembly SIMD validates) or 'js'; `threads` (default: all
 * hardware threads where memory can be shared, else 1); `relaxedSimd` (default: wherever the JS engine
 * validates it, Node 20 included: V8's flag is set first). `engine.describe()` tells what was actually obtained.
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const backend = options.backend ?? (wasmSimdSupported() ? 'wasm' : 'js');
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`createEngine: threads must be a positive integer, got ${JSON.stringify(options.threads)}`);
  }
  switch (backend) {
    case 'js':
      if (options.relaxedSimd) throw new Error('createEngine: relaxedSimd applies to the "wasm" backend only');
      return new JsEngine();
    case 'wasm':
      if (!wasmSimdSupported()) throw new Error('createEngine: this JavaScript engine does not run WebAssembly SIMD; use backend "js"');
      // Node 20 validates relaxed SIMD only behind V8's flag: set it before the kernels compile, so library
      // users get the FMA GEMM as the CLI does. `relaxedSimd: false` leaves V8's flags alone.
      if (options.relaxedSimd !== false) await enableRelaxedSimd();
      return WasmEngine.create(options);
    default:
      throw new Error(`createEngine: unknown backend ${JSON.stringify(backend)}; expected "wasm" or "js"`);
  }
}

let defaultEngine: Promise<Engine> | null = null;
let defaultOptions: EngineOptions = {};

/** The process-wide engine (created on first use with `createEngine()`'s defaults, or the one set). */
export function getDefaultEngine(): Promise<Engine> {
  if (!defaultEngine) {
    const created = createEngine(defaultOptions);
    defaultEngine = created;
    created.catch(() => {
      if (defaultEngine === created) defaultEngine = null;
    });
  }
  return defaultEngine;
}

/** Makes `engine` the default (null: the next `getDefaultEngine()` creates one again). It is not disposed here. */
export function setDefaultEngine(engine: Engine | null): void {
  defaultEngine = engine ? Promise.resolve(engine) : null;
}

/**
 * Options for the default engine when `getDefaultEngine()` next creates it (e.g. a CLI's --threads), without
 * creating it now; a default engine created or set before is forgotten (not disposed).
 */
export function configureDefaultEngine(options: EngineOptions = {}): void {
  defaultOptions = { ...options };
  defaultEngine = null;
}

/** Disposes the default engine (if one was created or set) and forgets it. */
export async function disposeDefaultEngine(): Promise<void> {
  const current = defaultEngine;
  defaultEngine = null;
  const engine = current ? await current.catch(() => null) : null;
  await engine?.dispose();
}
