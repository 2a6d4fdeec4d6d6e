/**
 * What a fuzz family provides (one per input kind: safetensors files, config.json, preprocessor
 * configs, PNG, JPEG, hub responses) and how outcomes are judged. A family module's default export
 * is a FuzzFamily; fuzz-child.ts runs it, run-fuzz.ts watches the child.
 */
import type { Rng } from './rng.js';

export interface FuzzFamily<I = unknown> {
  name: string;
  /** Builds the seed corpus (once per process). */
  setup(): Promise<void>;
  /** Input `index` of a run, from its own Rng (so any input can be replayed alone). */
  input(rng: Rng, index: number): I;
  /**
   * Bytes the input may legitimately make the code allocate: its size, or what it declares (pixels
   * of an image header). The memory watchdog allows a small multiple of it.
   */
  declaredBytes(input: I): number;
  /** Runs the input. Returning is a correct result (the family checks it); throwing is judged below. */
  run(input: I): Promise<void> | void;
  teardown?(): Promise<void>;
  /**
   * Inputs run at once (default 1). For families that mostly wait (on the file system, on timeouts);
   * a hang is then reported at the last input started.
   */
  concurrency?: number;
}

/** Thrown by a family when a run "succeeded" with a wrong result (corrupt bytes accepted, NaN values). */
export class FuzzCheckError extends Error {
  override readonly name = 'FuzzCheckError';
}

/** purevit's error classes: each has a string `code`. */
const TYPED = new Set(['ConfigError', 'ImageError', 'SafetensorsError', 'WeightError', 'HubError', 'ReadLimitError', 'InvalidNameError', 'ModelOutputError']);

export const MAX_MESSAGE = 300;

/** 'ok', a typed outcome label ("ConfigError:out_of_range"), or a failure description. */
export function judge(error: unknown): { label: string; failure?: string } {
  if (error === undefined) return { label: 'ok' };
  if (error instanceof FuzzCheckError) return { label: 'wrong result', failure: error.message };
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const name = typeof e?.name === 'string' ? e.name : typeof error;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (!TYPED.has(name) || typeof e.code !== 'string') return { label: `untyped ${name}`, failure: `${name}: ${message.slice(0, 500)}` };
  if (message.length === 0 || message.length >= MAX_MESSAGE) return { label: `${name}:${e.code} (bad message)`, failure: `message of ${message.length} characters: ${message.slice(0, 200)}` };
  return { label: `${name}:${e.code}` };
}
