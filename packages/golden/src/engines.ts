/**
 * The engines every golden case runs on, created once per process from the backend registry: each
 * registered backend's default engine ('wasm' on every hardware thread with plain SIMD, 'js'), and the
 * variants of a backend that must be checked too — 'wasm' on one thread and, where relaxed SIMD can be
 * enabled in this process (Node 20: V8's flag, which createEngine sets unless told `relaxedSimd: false`), the
 * FMA kernels on every hardware thread.
 */

import { BACKEND_NAMES, BACKENDS, createEngine, enableRelaxedSimd, type BackendName, type Engine, type EngineOptions } from '@purevit/core';

export interface GoldenEngine {
  /** Variant label prefix: the backend's name for its default engine ('wasm', 'js'), else e.g. 'wasm-1t', 'wasm-fma'. */
  label: string;
  engine: Engine;
  /** Golden model cases run on this engine too (kernel cases run on every engine). */
  models: boolean;
}

interface EngineSpec {
  label: string;
  options: EngineOptions;
  models: boolean;
  /** Needs relaxed SIMD (skipped where it cannot be enabled). */
  fma?: true;
}

/**
 * Variants of a backend beyond its default engine: those whose bits differ from it (FMA) or whose path does
 * (one thread). A backend not listed runs its default engine only — every registered backend runs every case.
 */
const VARIANTS: Partial<Record<BackendName, readonly EngineSpec[]>> = {
  wasm: [
    { label: 'wasm-1t', options: { backend: 'wasm', threads: 1, relaxedSimd: false }, models: false },
    { label: 'wasm-fma', options: { backend: 'wasm', relaxedSimd: true }, models: true, fma: true },
  ],
};

/** The default engine of each registered backend (plain SIMD for 'wasm': its FMA build is a variant), then its variants. */
export function goldenEngineSpecs(): EngineSpec[] {
  const specs: EngineSpec[] = [];
  for (const backend of BACKEND_NAMES) {
    if (!BACKENDS[backend].available()) continue;
    specs.push({ label: backend, options: backend === 'wasm' ? { backend, relaxedSimd: false } : { backend }, models: true });
    specs.push(...(VARIANTS[backend] ?? []));
  }
  return specs;
}

let engines: Promise<GoldenEngine[]> | null = null;

export function goldenEngines(): Promise<readonly GoldenEngine[]> {
  engines ??= (async () => {
    const fma = await enableRelaxedSimd();
    const out: GoldenEngine[] = [];
    for (const spec of goldenEngineSpecs()) {
      if (spec.fma && !fma) continue;
      out.push({ label: spec.label, engine: await createEngine(spec.options), models: spec.models });
    }
    return out;
  })();
  return engines;
}

/** Stops the engines' workers (they never keep Node alive; this frees their memory early). */
export async function disposeGoldenEngines(): Promise<void> {
  const created = engines;
  engines = null;
  if (created) for (const { engine } of await created) await engine.dispose();
}
