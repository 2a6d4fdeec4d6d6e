import type { JsonObject, JsonValue } from './pretrained-config.js';

/** A size given as one number (square) or as [height, width], as transformers accepts both. */
export type Size2 = number | [number, number];

export function toPair(size: Size2): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/** Reads `image_size` / `patch_size`-style fields: a positive integer or [height, width]. */
export function parseSize2(dict: JsonObject, key: string): Size2 | undefined {
  const v: JsonValue | undefined = dict[key];
  if (v == null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    return [v[0] as number, v[1] as number];
  }
  throw new TypeError(`config field ${key} must be a positive integer or [height, width], got ${JSON.stringify(v)}`);
}
