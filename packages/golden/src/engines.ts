/**
 * The engines every golden case runs on, created once per process: the plain-TypeScript 'js' engine,
 * the 'wasm' engine on one thread and on every hardware thread (plain SIMD), and — where relaxed SIMD can
 * be enabled in this process (Node 20: V8's flag, which createEngine sets unless told `relaxedSimd: false`) —
 * the FMA kernels on every hardware thread.
 */

import { createEngine, enableRelaxedSimd, type Engine, type EngineOptions } from '@purevit/core';

export interface GoldenEngine {
  /** Variant label prefix: 'js', 'wasm-1t', 'wasm', 'wasm-fma'. */
  label: string;
  engine: Engine;
  /** Golden model cases run on this engine too (kernel cases run on every engine). */
  models: boolean;
}

const SPECS: ReadonlyArray<{ label: string; options: EngineOptions; models: boolean; fma?: true }> = [
  { label: 'js', options: { backend: 'js' }, models: true },
  { label: 'wasm-1t', options: { backend: 'wasm', threads: 1, relaxedSimd: false }, models: false },
  { label: 'wasm', options: { backend: 'wasm', relaxedSimd: false }, models: true },
  { label: 'wasm-fma', options: { backend: 'wasm', relaxedSimd: true }, models: true, fma: true },
];

let engines: Promise<GoldenEngine[]> | null = null;

export function goldenEngines(): Promise<readonly GoldenEngine[]> {
  engines ??= (async () => {
    const fma = await enableRelaxedSimd();
    const out: GoldenEngine[] = [];
    for (const spec of SPECS) {
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
