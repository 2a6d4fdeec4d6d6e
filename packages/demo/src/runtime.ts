/**
 * How this page may compute: cross-origin isolated pages have SharedArrayBuffer, so tensors live in
 * shared memory and the worker pool may use every hardware thread; other pages run on one thread.
 */

import { sharedMemoryAvailable } from '@purevit/core';

export interface RuntimeInfo {
  /** `crossOriginIsolated` (true in Node, which always allows sharing). */
  isolated: boolean;
  /** Whether tensors are allocated in SharedArrayBuffers (what workers need to share them). */
  sharedMemory: boolean;
  /** Threads the engine may use: the hardware threads when memory can be shared, else 1. */
  threads: number;
}

export function runtimeInfo(): RuntimeInfo {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? true;
  const sharedMemory = sharedMemoryAvailable();
  const hardware = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return { isolated, sharedMemory, threads: sharedMemory ? Math.max(1, hardware) : 1 };
}

export function describeRuntime(info: RuntimeInfo): string {
  return info.sharedMemory
    ? `threads: ${info.threads} (cross-origin isolated, shared memory)`
    : 'single thread (not cross-origin isolated)';
}
