import { getDefaultEngine, type Arena } from '@purevit/core';
import { WeightScope, type WeightMap } from '@purevit/weights';
import type { LoadOptions } from './load-options.js';
import type { LoadReport } from './model-outputs.js';

/** Room beyond the weights for one model's run state and kernel scratch (an unshared heap is sized with it). */
const RUN_STATE_BYTES = 64 << 20;

/**
 * The arena a model loads into: on `options.engine`, or the default engine. Sized from the checkpoint
 * (float32 bytes of every tensor) plus room for activations, which an unshared WASM heap needs up front.
 */
export async function openArena(weights: WeightMap, options: LoadOptions): Promise<Arena> {
  const engine = options.engine ?? (await getDefaultEngine());
  let floats = 0;
  for (const entry of weights.values()) floats += entry.shape.reduce((a, b) => a * b, 1);
  return engine.createArena({ bytes: Math.ceil(floats * 4 * 1.05) + RUN_STATE_BYTES });
}

/** Builds a model in `arena`, freeing the arena if building fails. */
export async function buildIn<T>(arena: Arena, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    arena.dispose();
    throw error;
  }
}

/**
 * Every model's `fromWeights`: opens an arena for the (adapted) checkpoint and builds the model in it from a
 * scope at the checkpoint's root (the arena is freed if building fails); checkpoint keys the model never
 * read become its loadReport's unexpectedKeys.
 */
export async function buildFromWeights<M extends { loadReport: LoadReport }>(
  weights: WeightMap,
  options: LoadOptions,
  build: (arena: Arena, root: WeightScope) => Promise<M>,
): Promise<M> {
  const root = new WeightScope(weights);
  const arena = await openArena(weights, options);
  const model = await buildIn(arena, () => build(arena, root));
  model.loadReport = { missingKeys: model.loadReport.missingKeys, unexpectedKeys: root.unusedKeys() };
  return model;
}
