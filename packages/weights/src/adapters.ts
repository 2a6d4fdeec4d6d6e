/**
 * Pure checkpoint adapters, `WeightMap → WeightMap` (timm's checkpoint_filter_fn analogue). They
 * never read tensors: derived entries stay lazy and read their sources only when loaded.
 */

import { formatShape } from '@purevit/core';
import { WeightError } from './weight-error.js';
import type { WeightEntry, WeightMap } from './weight-map.js';

/**
 * Renames every key through `rename`; returning null or undefined drops the entry. Two keys
 * renamed to one are an error.
 */
export function renameKeys(map: WeightMap, rename: (key: string) => string | null | undefined): WeightMap {
  const out: WeightMap = new Map();
  for (const [key, entry] of map) {
    const next = rename(key);
    if (next == null) continue;
    if (out.has(next)) throw new WeightError('duplicate_tensor', `renaming ${key} to ${next} collides with another key`, next);
    out.set(next, entry);
  }
  return out;
}

/** Removes `prefix` from the keys that start with it; other keys are kept as they are. */
export function stripPrefix(map: WeightMap, prefix: string): WeightMap {
  return renameKeys(map, (k) => (k.startsWith(prefix) ? k.slice(prefix.length) : k));
}

export function addPrefix(map: WeightMap, prefix: string): WeightMap {
  return renameKeys(map, (k) => prefix + k);
}

/** Applies `[from, to]` substring swaps, in order, to every key (timm's swap tables). */
export function replaceInKeys(map: WeightMap, swaps: readonly (readonly [string, string])[]): WeightMap {
  return renameKeys(map, (k) => swaps.reduce((key, [from, to]) => key.split(from).join(to), k));
}

export function filterKeys(map: WeightMap, keep: (key: string, entry: WeightEntry) => boolean): WeightMap {
  return new Map([...map].filter(([k, e]) => keep(k, e)));
}

/** True when any key starts with `prefix` (sentinel-key format detection). */
export function hasKeyPrefix(map: WeightMap, prefix: string): boolean {
  for (const key of map.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** Rows [start, start + count) along axis 0 of `entry` (splits a fused qkv). */
export function sliceRows(entry: WeightEntry, start: number, count: number): WeightEntry {
  const [rows, ...rest] = entry.shape;
  if (entry.shape.length === 0 || start < 0 || count < 0 || start + count > rows) {
    throw new RangeError(`cannot take rows [${start}, ${start + count}) of a tensor of shape ${formatShape(entry.shape)}`);
  }
  const inner = rest.reduce((a, b) => a * b, 1);
  return {
    dtype: entry.dtype,
    shape: [count, ...rest],
    load: async () => (await entry.load()).slice(start * inner, (start + count) * inner),
  };
}

/** Concatenation along axis 0 (fuses separate q, k, v); all entries share their trailing shape. */
export function concatRows(entries: readonly WeightEntry[]): WeightEntry {
  if (entries.length === 0) throw new RangeError('concatRows needs at least one entry');
  const rest = entries[0].shape.slice(1);
  for (const e of entries) {
    if (e.shape.length === 0 || formatShape(e.shape.slice(1)) !== formatShape(rest)) {
      throw new RangeError(`cannot concatenate shapes ${entries.map((x) => formatShape(x.shape)).join(', ')} along axis 0`);
    }
  }
  const rows = entries.reduce((a, e) => a + e.shape[0], 0);
  return {
    dtype: entries[0].dtype,
    shape: [rows, ...rest],
    load: async () => {
      const parts = await Promise.all(entries.map((e) => e.load()));
      const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
  };
}
