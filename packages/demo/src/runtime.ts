/**
 * How this page computes: the engine it creates (WebAssembly SIMD kernels; relaxed-SIMD FMA where the
 * browser validates it, unless `?simd=plain`), and what that engine actually got: cross-origin isolated
 * pages share memory with a worker pool on every hardware thread, other pages run on one thread.
 */

import { createEngine, type Engine, type EngineDescription } from '@purevit/core';

export interface RuntimeInfo extends EngineDescription {
  /** `crossOriginIsolated` (true in Node, which always allows sharing). */
  isolated: boolean;
  /** navigator.hardwareConcurrency (1 where unknown). */
  hardwareThreads: number;
}

/** `?simd=plain` asks for the plain SIMD GEMM (mul + add, bit-identical to Node without the relaxed-SIMD flag). */
export function engineOptions(search: string): { relaxedSimd?: boolean } {
  return new URLSearchParams(search).get('simd') === 'plain' ? { relaxedSimd: false } : {};
}

export function createPageEngine(search: string): Promise<Engine> {
  return createEngine(engineOptions(search));
}

export function runtimeInfo(engine: Engine): RuntimeInfo {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? true;
  const hardwareThreads = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return { ...engine.describe(), isolated, hardwareThreads };
}

/** "wasm (relaxed SIMD), 4 threads (cross-origin isolated, shared memory)" or "… 1 thread (not cross-origin isolated)". */
export function describeRuntime(info: RuntimeInfo): string {
  const kernels = info.backend === 'wasm' ? `wasm (${info.simd} SIMD)` : 'plain TypeScript';
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  return `${kernels}, ${threads} (${info.sharedMemory ? 'cross-origin isolated, shared memory' : 'not cross-origin isolated'})`;
}
