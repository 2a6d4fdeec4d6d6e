import { ConfigError, checkBound, formatValue } from '@purevit/weights';
import type { JsonObject, JsonValue } from './pretrained-config.js';

/** A size given as one number (square) or as [height, width], as transformers accepts both. */
export type Size2 = number | [number, number];

export function toPair(size: Size2): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/** Reads `image_size` / `patch_size`-style fields: an integer or [height, width], each side inside `bound`. */
export function parseSize2(dict: JsonObject, key: string, bound: 'imageSide' | 'patchSide'): Size2 | undefined {
  const v: JsonValue | undefined = dict[key];
  if (v == null) return undefined;
  if (typeof v === 'number') return checkBound(v, bound, key);
  if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number')) {
    return [checkBound(v[0], bound, `${key}[0]`), checkBound(v[1], bound, `${key}[1]`)];
  }
  throw new ConfigError('invalid_type', `config field ${key} must be a positive integer or [height, width], got ${formatValue(v)}`, { field: key });
}
