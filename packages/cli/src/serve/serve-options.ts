import type { ServeTask } from './model-runner.js';

/** How `purevit serve` runs; the command's flags map onto these one to one. */
export interface ServeOptions {
  /** Model folder or hub id; undefined: the library's default model. */
  model?: string;
  task: ServeTask;
  /** The model's name in Open Inference Protocol paths (/v2/models/<name>/infer). */
  name: string;
  host: string;
  /** 0: any free port (the handle's url tells which). */
  port: number;
  /** Most images per forward pass; 1 turns dynamic batching off. */
  maxBatch: number;
  /** Longest wait of a queued request for others to batch with, in milliseconds. */
  maxWaitMs: number;
  /** Most images waiting for the model; beyond it requests get 503 with Retry-After. */
  maxQueue: number;
  /** Per request: receiving it (slow clients get 408) and waiting for its result (504), in milliseconds. */
  timeoutMs: number;
  /** Largest request body in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Largest image, width × height (413 beyond: decompression bombs are refused from their header). */
  maxPixels: number;
  /** On SIGTERM, how long in-flight requests may take to finish before connections are cut, in milliseconds. */
  drainTimeoutMs: number;
}

export const SERVE_DEFAULTS = {
  task: 'image-classification',
  host: '127.0.0.1',
  port: 8080,
  maxBatch: 8,
  maxWaitMs: 5,
  maxQueue: 64,
  timeoutMs: 30_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxPixels: 40_000_000,
  drainTimeoutMs: 25_000,
} as const satisfies Omit<ServeOptions, 'name' | 'model'>;
