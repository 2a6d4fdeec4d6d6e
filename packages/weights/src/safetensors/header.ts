/**
 * The safetensors header: parsed and validated in full before any tensor is read, so that every
 * later read is known to stay inside the data section.
 *
 * File layout: [u64 little-endian N][N bytes of UTF-8 JSON][data section]. The JSON maps tensor
 * names to {dtype, shape, data_offsets: [begin, end]} (offsets relative to the data section) plus an
 * optional "__metadata__" string → string map. Tensors tile the data section exactly.
 */

import { formatValue } from '../limits/format-value.js';
import { dtypeSize, DTYPES, isDType, type DType } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { JsonSyntaxError, parseJsonStrict, type JsonObject, type JsonValue } from './json.js';

export interface TensorInfo {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** [begin, end) in bytes, relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
}

export interface SafetensorsHeader {
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** In header order. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
}

/** huggingface_hub's SAFETENSORS_MAX_HEADER_LENGTH. */
export const MAX_HEADER_SIZE = 25_000_000;

const METADATA_KEY = '__metadata__';
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Validates `bytes` (the JSON header) against a data section of `dataSize` bytes. */
export function parseHeader(bytes: Uint8Array, dataSize: number): SafetensorsHeader {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new SafetensorsError('invalid_header', 'safetensors header is not valid UTF-8');
  }
  let json: JsonValue;
  try {
    json = parseJsonStrict(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError && e.duplicateKey !== undefined) {
      throw new SafetensorsError('duplicate_tensor', 'safetensors header names a tensor twice', e.duplicateKey);
    }
    throw new SafetensorsError('invalid_header', `safetensors header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw new SafetensorsError('invalid_header', 'safetensors header is not a JSON object');

  let metadata: Record<string, string> | undefined;
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of json) {
    // null is what a writer without metadata may emit (Option::None); it means "no metadata".
    if (name === METADATA_KEY) metadata = entry === null ? undefined : parseMetadata(entry);
    else tensors.set(name, parseEntry(name, entry, dataSize));
  }
  checkTiling(tensors, dataSize);
  return { metadata, tensors };
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

function parseMetadata(entry: JsonValue): Record<string, string> {
  if (!isObject(entry)) throw new SafetensorsError('invalid_metadata', '__metadata__ must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of entry) {
    if (typeof v !== 'string') {
      throw new SafetensorsError('invalid_metadata', `__metadata__ value for ${formatValue(k)} is not a string`);
    }
    // defineProperty: a "__proto__" key must stay a plain entry.
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function parseEntry(name: string, entry: JsonValue, dataSize: number): TensorInfo {
  if (!isObject(entry)) throw new SafetensorsError('invalid_entry', 'tensor entry is not an object', name);
  const dtype = entry.get('dtype');
  const shape = entry.get('shape');
  const offsets = entry.get('data_offsets');
  if (dtype === undefined) throw new SafetensorsError('invalid_entry', 'tensor entry has no "dtype"', name);
  if (shape === undefined) throw new SafetensorsError('invalid_entry', 'tensor entry has no "shape"', name);
  if (offsets === undefined) throw new SafetensorsError('invalid_entry', 'tensor entry has no "data_offsets"', name);
  if (!isDType(dtype)) {
    throw new SafetensorsError('unknown_dtype', `unsupported dtype ${formatValue(dtype)} (supported: ${DTYPES.join(', ')})`, name);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    throw new SafetensorsError('invalid_entry', `shape ${formatValue(shape)} is not a list of non-negative integers`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
    throw new SafetensorsError('invalid_entry', `data_offsets ${formatValue(offsets)} is not [begin, end] with begin <= end`, name);
  }
  const dims = shape as number[];
  const [begin, end] = offsets as [number, number];
  if (end > dataSize) {
    throw new SafetensorsError('offsets_out_of_bounds', `data_offsets [${begin}, ${end}] reach beyond the ${dataSize}-byte data section`, name);
  }
  // A zero dimension makes the tensor empty however large the others are (no Infinity × 0).
  let bytes = dims.includes(0) ? 0 : dtypeSize(dtype);
  for (const d of dims) bytes *= d;
  if (bytes !== end - begin) {
    throw new SafetensorsError(
      'size_mismatch',
      `shape [${dims.join(',')}] of ${dtype} needs ${Number.isSafeInteger(bytes) ? bytes : 'too many'} bytes but data_offsets span ${end - begin}`,
      name,
    );
  }
  return { dtype, shape: Object.freeze(dims), dataOffsets: Object.freeze([begin, end] as [number, number]) };
}

function isIndex(v: JsonValue): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Tensors must cover [0, dataSize) exactly once: no gap, no overlap, no trailing bytes. */
function checkTiling(tensors: ReadonlyMap<string, TensorInfo>, dataSize: number): void {
  const sorted = [...tensors].sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  for (const [name, { dataOffsets: [begin, end] }] of sorted) {
    if (begin < cursor) throw new SafetensorsError('non_contiguous', `data_offsets [${begin}, ${end}] overlap the previous tensor (ends at ${cursor})`, name);
    if (begin > cursor) throw new SafetensorsError('non_contiguous', `data_offsets [${begin}, ${end}] leave a gap after byte ${cursor}`, name);
    cursor = end;
  }
  if (cursor !== dataSize) {
    throw new SafetensorsError('non_contiguous', `tensors end at byte ${cursor} of a ${dataSize}-byte data section (trailing bytes)`);
  }
}
