/**
 * The model-independent view of a checkpoint: key → lazy tensor. Nothing is read until `load()`.
 */

import type { DType } from './safetensors/dtypes.js';
import type { SafetensorsFile } from './safetensors/reader.js';
import { WeightError } from './weight-error.js';

export interface WeightEntry {
  /** Storage dtype in the checkpoint (informative: `load()` always yields float32). */
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Reads (and converts) the tensor. Each call reads again; callers keep what they need. */
  load(): Promise<Float32Array>;
}

export type WeightMap = Map<string, WeightEntry>;

/** All tensors of one safetensors file, in header order. */
export function weightMapFromSafetensors(file: SafetensorsFile): WeightMap {
  const map: WeightMap = new Map();
  for (const [name, info] of file.tensors) {
    map.set(name, { dtype: info.dtype, shape: info.shape, load: () => file.readFloat32(name) });
  }
  return map;
}

/** Merges shards into one map; a key present in two shards is an error. */
export function mergeWeightMaps(maps: Iterable<WeightMap>): WeightMap {
  const out: WeightMap = new Map();
  for (const map of maps) {
    for (const [key, entry] of map) {
      if (out.has(key)) throw new WeightError('duplicate_tensor', `tensor ${key} appears in more than one shard`, key);
      out.set(key, entry);
    }
  }
  return out;
}
