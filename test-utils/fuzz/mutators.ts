/**
 * Mutations of seed inputs: generic byte edits (what a bit flip, a truncated download or a forged
 * length field does) and JSON edits (a config value replaced by an absurd size, a wrong type, a
 * 20 000-character string or a 5000-deep nesting). Each is small: a fuzz run feeds thousands.
 */
import type { Rng } from './rng.js';

const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 65500, 178956970, 100000];

/** A few byte-level edits of `bytes` (a new array). */
export function mutateBytes(rng: Rng, bytes: Uint8Array, donors: readonly Uint8Array[] = []): Uint8Array {
  let out: Uint8Array = bytes.slice();
  const edits = 1 + rng.int(rng.chance(0.2) ? 8 : 3);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(Math.max(1, out.length));
    switch (rng.int(9)) {
      case 0: // bit flip
        if (out.length) out[at] ^= 1 << rng.int(8);
        break;
      case 1: // interesting byte
        if (out.length) out[at] = rng.pick([0, 1, 0x7f, 0x80, 0xff, 0xfe]);
        break;
      case 2: { // interesting 32-bit value, either endianness
        if (out.length < 4) break;
        const p = Math.min(at, out.length - 4);
        const v = rng.pick(INTERESTING_U32);
        const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
        dv.setUint32(p, v, rng.chance(0.5));
        break;
      }
      case 3: // truncate
        out = out.slice(0, at);
        break;
      case 4: { // delete a range
        const n = 1 + rng.int(16);
        out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + n)));
        break;
      }
      case 5: // insert random bytes
        out = concat(out.subarray(0, at), rng.bytes(1 + rng.int(16)), out.subarray(at));
        break;
      case 6: { // duplicate a range
        const n = 1 + rng.int(64);
        out = concat(out.subarray(0, at + n), out.subarray(at, Math.min(out.length, at + n)), out.subarray(Math.min(out.length, at + n)));
        break;
      }
      case 7: { // splice in part of another input
        const donor = donors.length ? rng.pick(donors) : out;
        const from = rng.int(Math.max(1, donor.length));
        const n = rng.int(Math.min(256, donor.length - from + 1));
        out = concat(out.subarray(0, at), donor.subarray(from, from + n), out.subarray(at + rng.int(n + 1)));
        break;
      }
      default: // overwrite a run with one byte
        out.fill(rng.pick([0, 0xff, 0x41]), at, Math.min(out.length, at + 1 + rng.int(32)));
    }
  }
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A value nested `depth` levels deep, kept symbolic: JSON.stringify of thousands of levels overflows the stack. */
export class Deep {
  constructor(
    readonly depth: number,
    readonly leaf: number,
    readonly asArray: boolean,
    readonly key: string,
  ) {}
}

export type Json = null | boolean | number | string | Deep | Json[] | { [key: string]: Json };

/** JSON text of a value that may hold Deep nests (written out iteratively). Numbers JSON cannot hold become 1e999 (Infinity when parsed). */
export function stringifyJson(value: Json): string {
  if (value instanceof Deep) {
    const open = value.asArray ? '[' : `{${JSON.stringify(value.key)}:`;
    return open.repeat(value.depth) + String(value.leaf) + (value.asArray ? ']' : '}').repeat(value.depth);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? '1e999' : value < 0 ? '-1e999' : '0';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`).join(',')}}`;
}

const NUMBERS = [0, -0, -1, 1, 2, 3, 0.5, 1e-9, 1e-300, -1e-6, 7, 28, 224, 1000, 8192, 8193, 65535, 1e5, 1e6, 1e8, 1e9, 2 ** 31, 2 ** 32, 2 ** 53, 1e30, 1e308, -1e308, 2.5];

/** A hostile JSON value: absurd numbers, wrong types, long strings, deep nesting, big containers. */
export function hostileValue(rng: Rng): Json {
  switch (rng.int(10)) {
    case 0:
    case 1:
    case 2:
      return rng.pick(NUMBERS);
    case 3:
      return rng.pick([null, true, false, '', 'nan', 'NaN', 'Infinity', '768', 'gelu', 'bicubic', 'center', 'vit', 'timm_wrapper']);
    case 4:
      return 'x'.repeat(rng.pick([100, 5000, 20_000]));
    case 5:
      return new Deep(rng.pick([2, 31, 33, 100, 5000]), rng.pick(NUMBERS), rng.chance(0.5), rng.pick(['0', 'a', 'height']));
    case 6:
      return Array.from({ length: rng.pick([0, 1, 2, 3, 4, 1000]) }, () => rng.pick(NUMBERS));
    case 7:
      return Object.fromEntries(Array.from({ length: rng.pick([0, 1, 2, 3, 1000]) }, (_, i) => [String(rng.chance(0.7) ? i : rng.int(1e7)), rng.chance(0.5) ? `name${i}` : rng.pick(NUMBERS)]));
    case 8:
      return { height: rng.pick(NUMBERS), width: rng.pick(NUMBERS) };
    default:
      return [3, rng.pick(NUMBERS), rng.pick(NUMBERS)];
  }
}

/** Every [container, key] in `value`, depth first (bounded: seeds are small). */
function slots(value: Json, out: [Json[] | { [key: string]: Json }, string | number][] = [], depth = 0): typeof out {
  if (depth > 12 || value === null || typeof value !== 'object' || value instanceof Deep) return out;
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, v] of entries) {
    out.push([value, key]);
    slots(v, out, depth + 1);
  }
  return out;
}

/** A few JSON-level edits of `value` (a deep copy): replace, delete, add keys, swap in values of other seeds. */
export function mutateJson(rng: Rng, value: Json, keysToAdd: readonly string[] = []): Json {
  const root = copy(value);
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    const all = slots(root);
    const op = rng.int(6);
    if ((op === 0 || all.length === 0) && root !== null && typeof root === 'object' && !Array.isArray(root) && !(root instanceof Deep)) {
      root[keysToAdd.length && rng.chance(0.8) ? rng.pick(keysToAdd) : `unknown_${rng.int(100)}`] = hostileValue(rng);
      continue;
    }
    if (all.length === 0) continue;
    const [container, key] = rng.pick(all);
    if (op === 1) {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    } else if (op === 2 && typeof (container as Record<string, Json>)[key] === 'number') {
      const v = (container as Record<string, number>)[key];
      (container as Record<string, Json>)[key] = rng.pick([v * 1000, -v, v + 1, v - 1, v / 1e6, Math.floor(v / 7), v * 1e9]);
    } else {
      (container as Record<string, Json>)[key] = hostileValue(rng);
    }
  }
  return root;
}

function copy(value: Json): Json {
  if (value === null || typeof value !== 'object' || value instanceof Deep) return value;
  if (Array.isArray(value)) return value.map(copy);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
}
