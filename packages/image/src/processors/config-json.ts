import { ImageError } from '../errors.js';

/** A parsed JSON object, checked to be an object. */
export type JsonObject = Record<string, unknown>;

export function asJsonObject(value: unknown, what: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ImageError('invalid_input', `${what} must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as JsonObject;
}

export function optionalBoolean(json: JsonObject, key: string, fallback: boolean): boolean {
  const v = json[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new ImageError('invalid_input', `${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function optionalNumber(json: JsonObject, key: string, fallback: number): number {
  const v = json[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ImageError('invalid_input', `${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}
