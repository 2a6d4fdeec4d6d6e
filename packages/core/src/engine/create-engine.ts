/**
 * Creating engines, and the process-wide default engine that models use when they are given none.
 */

import { BACKEND_NAMES, BACKENDS, type BackendName } from '../backends/index.js';
import { BackendEngine } from './backend-engine.js';
import type { Engine, EngineOptions } from './engine.js';

/**
 * An engine on `backend` (default: the first of BACKEND_NAMES this JavaScript engine runs); `threads` and
 * `relaxedSimd` as EngineOptions says. `engine.describe()` tells what was actually obtained.
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`createEngine: threads must be a positive integer, got ${JSON.stringify(options.threads)}`);
  }
  const name = options.backend ?? BACKEND_NAMES.find((b) => BACKENDS[b].available());
  if (name === undefined) throw new Error('createEngine: no backend runs in this JavaScript engine');
  if (!Object.prototype.hasOwnProperty.call(BACKENDS, name)) {
    throw new Error(`createEngine: unknown backend ${JSON.stringify(name)}; expected ${BACKEND_NAMES.map((b) => JSON.stringify(b)).join(' or ')}`);
  }
  const factory = BACKENDS[name as BackendName];
  return new BackendEngine(name, await factory.create(options));
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
