/**
 * Safetensors writer: the inverse of the reader. The header lists tensors in the given order,
 * padded with spaces to a multiple of 8 bytes (so the data section starts 8-aligned), and the data
 * section holds them back to back in that order.
 */

import { formatValue } from '../limits/format-value.js';
import { dtypeSize, isDType, type DType, type TensorTypedArray } from './dtypes.js';
import { SafetensorsError } from './errors.js';

export interface TensorInput {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /**
   * The values: the dtype's typed array (F16/BF16 as raw Uint16Array bits, BOOL as 0/1 bytes) or
   * raw little-endian bytes as a Uint8Array.
   */
  readonly data: TensorTypedArray;
}

export type TensorInputs = Iterable<readonly [string, TensorInput]> | Readonly<Record<string, TensorInput>>;

export interface PlannedTensor {
  readonly name: string;
  readonly input: TensorInput;
  readonly begin: number;
  readonly end: number;
}

export interface WritePlan {
  /** The 8-byte length plus the padded JSON header. */
  readonly prefix: Uint8Array;
  readonly tensors: readonly PlannedTensor[];
  /** Total file size. */
  readonly size: number;
}

type ArrayConstructor = { readonly name: string; prototype: unknown };
const ARRAY_OF: Record<DType, ArrayConstructor> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

function isArrayOf(data: unknown, type: ArrayConstructor): boolean {
  return Object.prototype.isPrototypeOf.call(type.prototype, data as object);
}

/** Validates the inputs and lays out the file (header bytes and data offsets) without copying data. */
export function planSafetensors(tensors: TensorInputs, metadata?: Readonly<Record<string, string>>): WritePlan {
  const entries = Symbol.iterator in tensors ? [...(tensors as Iterable<readonly [string, TensorInput]>)] : Object.entries(tensors);
  // Built as text: a JS object would reorder integer-like names, and order is part of the format.
  const header: string[] = [];
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError('invalid_metadata', `metadata value for ${formatValue(k)} is not a string`);
    }
    header.push(`"__metadata__":${JSON.stringify({ ...metadata })}`);
  }
  const planned: PlannedTensor[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const [name, input] of entries) {
    if (name === '__metadata__') throw new SafetensorsError('invalid_tensor', '"__metadata__" is reserved', name);
    if (seen.has(name)) throw new SafetensorsError('duplicate_tensor', 'tensor name given twice', name);
    seen.add(name);
    const { dtype, shape, data } = input;
    if (!isDType(dtype)) throw new SafetensorsError('unknown_dtype', `unsupported dtype ${formatValue(dtype)}`, name);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError('invalid_tensor', `shape [${shape.join(',')}] is not a list of non-negative integers`, name);
    }
    if (!isArrayOf(data, Uint8Array) && !isArrayOf(data, ARRAY_OF[dtype])) {
      const kind = (data as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof data;
      throw new SafetensorsError('invalid_tensor', `${dtype} data must be a ${ARRAY_OF[dtype].name} or raw bytes (Uint8Array), got ${kind}`, name);
    }
    const bytes = shape.reduce((a, b) => a * b, dtypeSize(dtype));
    if (data.byteLength !== bytes) {
      throw new SafetensorsError('size_mismatch', `shape [${shape.join(',')}] of ${dtype} needs ${bytes} bytes, the data has ${data.byteLength}`, name);
    }
    planned.push({ name, input, begin: offset, end: offset + bytes });
    header.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype, shape: [...shape], data_offsets: [offset, offset + bytes] })}`);
    offset += bytes;
  }
  const json = new TextEncoder().encode(`{${header.join(',')}}`);
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const prefix = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(padded), true);
  prefix.set(json, 8);
  return { prefix, tensors: planned, size: prefix.byteLength + offset };
}

/** Little-endian bytes of a tensor's data (a view, except on big-endian hosts). */
export function tensorBytes(input: TensorInput): Uint8Array {
  const { data } = input;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST || data instanceof Uint8Array || data instanceof Int8Array) return bytes;
  const size = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < out.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j];
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialises tensors (in the given order) and optional metadata to safetensors bytes. */
export function writeSafetensors(tensors: TensorInputs, metadata?: Readonly<Record<string, string>>): Uint8Array<ArrayBuffer> {
  const plan = planSafetensors(tensors, metadata);
  const out = new Uint8Array(plan.size);
  out.set(plan.prefix, 0);
  for (const t of plan.tensors) out.set(tensorBytes(t.input), plan.prefix.byteLength + t.begin);
  return out;
}
