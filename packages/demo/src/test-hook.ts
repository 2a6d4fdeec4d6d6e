/**
 * `window.__purevit`: what the browser test (and a curious reader, from the console) calls to run the
 * page's engine on given bytes and read back exact numbers. Float32 values come back as plain numbers,
 * which hold them exactly.
 */

import type { AttentionMethod, ClassificationResult } from '@purevit/models';
import { isShared, type Engine } from '@purevit/core';
import type { DemoEngine } from './engine.js';
import { runtimeInfo, type RuntimeInfo } from './runtime.js';

export interface HookResult {
  width: number;
  height: number;
  pixelShape: number[];
  pixelValues: number[];
  /** Whether the pixel tensor lives in a SharedArrayBuffer. */
  pixelsShared: boolean;
  logits: number[];
  top: ClassificationResult[];
  attention: { grid: number[]; values: number[] } | null;
  timings: { decode: number; preprocess: number; forward: number };
}

export interface PurevitHook {
  /** The engine of the model now loaded (waits while one is loading). */
  engine(): Promise<DemoEngine>;
  /** What the page's compute engine got (backend, SIMD kind, threads actually used, shared memory). */
  runtime(): Promise<RuntimeInfo>;
  analyze(bytes: readonly number[], method?: AttentionMethod): Promise<HookResult>;
  /** Per-image forward latency: runs the images `repeats` times each and returns every forward time (ms). */
  time(images: readonly (readonly number[])[], repeats: number): Promise<number[]>;
}

declare global {
  interface Window {
    __purevit?: PurevitHook;
  }
}

export function installHook(engine: () => Promise<DemoEngine>, compute: () => Promise<Engine>): void {
  window.__purevit = {
    engine,
    runtime: async () => runtimeInfo(await compute()),
    async analyze(bytes, method = 'last-layer') {
      const e = await engine();
      const a = await e.analyze(Uint8Array.from(bytes));
      const map = e.attentionMap(a, method);
      return {
        width: a.image.width,
        height: a.image.height,
        pixelShape: [...a.pixelValues.shape],
        pixelValues: Array.from(a.pixelValues.data),
        pixelsShared: isShared(a.pixelValues.data),
        logits: Array.from(a.logits),
        top: a.top,
        attention: map && { grid: [...map.grid], values: Array.from(map.values) },
        timings: a.timings,
      };
    },
    async time(images, repeats) {
      const e = await engine();
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        for (const bytes of images) times.push((await e.analyze(Uint8Array.from(bytes))).timings.forward);
      }
      return times;
    },
  };
}
