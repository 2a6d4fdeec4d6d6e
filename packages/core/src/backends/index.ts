/**
 * The backends an engine can run on, preferred first: one entry each. Adding a backend is a folder of its
 * own (backends/<name>/, with its register.ts) and one line here (see docs/recipes/adding-a-backend.md).
 */

import type { Backend } from '../engine/backend.js';
import type { EngineOptions } from '../engine/engine.js';
import { JS_BACKEND } from './js/js-backend.js';
import { WASM_BACKEND } from './wasm/wasm-backend.js';

export interface BackendFactory {
  /** True when this JavaScript engine can run the backend. */
  available(): boolean;
  /** A backend instance for `options` (refusing options it cannot honour, with a message naming them). */
  create(options: EngineOptions): Promise<Backend>;
}

export const BACKENDS = {
  wasm: WASM_BACKEND,
  js: JS_BACKEND,
} as const satisfies Record<string, BackendFactory>;

export type BackendName = keyof typeof BACKENDS;

/** The backend names, preferred first. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(Object.keys(BACKENDS) as BackendName[]);
