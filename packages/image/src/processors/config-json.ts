import { checkBound, checkJsonDepth, formatValue, type BoundName } from '@purevit/weights';
import { ImageError } from '../errors.js';

/** A parsed JSON object, checked to be an object. */
export type JsonObject = Record<string, unknown>;

/** `value` as a JSON object whose nesting is bounded (MAX_CONFIG_DEPTH), else an error naming `what`. */
export function asJsonObject(value: unknown, what: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ImageError('invalid_input', `${what} must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  checkJsonDepth(value, what);
  return value as JsonObject;
}

export function optionalBoolean(json: JsonObject, key: string, fallback: boolean): boolean {
  const v = json[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new ImageError('invalid_input', `${key} must be true or false, got ${formatValue(v)}`);
  return v;
}

/** A number inside the named CONFIG_BOUNDS bound (default: any finite number of moderate size). */
export function optionalNumber(json: JsonObject, key: string, fallback: number, bound: BoundName = 'finite'): number {
  const v = json[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ImageError('invalid_input', `${key} must be a number, got ${formatValue(v)}`);
  return checkBound(v, bound, key);
}
