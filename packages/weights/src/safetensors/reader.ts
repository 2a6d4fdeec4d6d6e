/**
 * Lazy safetensors reader: `open` reads the 8-byte length and the header only; each tensor's bytes
 * are read from the source when asked for.
 */

import { allocFloat32 } from '@purevit/core';
import type { ByteSource } from '../sources/byte-source.js';
import { dtypeSize, toFloat32, viewAs, type DType, type TensorTypedArray, type TypedArrayOf } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { MAX_HEADER_SIZE, parseHeader, type TensorInfo } from './header.js';

export interface OpenOptions {
  /** Largest accepted JSON header in bytes (default 25 MB, huggingface_hub's cap). */
  maxHeaderSize?: number;
}

export class SafetensorsFile {
  readonly source: ByteSource;
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** Tensor name → dtype, shape and data offsets, in header order. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** Byte offset of the data section in the source (8 + header length). */
  readonly dataStart: number;

  private constructor(source: ByteSource, metadata: Readonly<Record<string, string>> | undefined, tensors: ReadonlyMap<string, TensorInfo>, dataStart: number) {
    this.source = source;
    this.metadata = metadata;
    this.tensors = tensors;
    this.dataStart = dataStart;
  }

  static async open(source: ByteSource, options: OpenOptions = {}): Promise<SafetensorsFile> {
    const maxHeader = options.maxHeaderSize ?? MAX_HEADER_SIZE;
    if (source.size < 8) {
      throw new SafetensorsError('file_too_small', `a safetensors file needs at least 8 bytes, this one has ${source.size}`);
    }
    const prefix = await readExactly(source, 0, 8);
    const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
    // Both checks come before any allocation sized by the (untrusted) header length.
    if (n > BigInt(maxHeader)) {
      throw new SafetensorsError('header_too_large', `header length ${n} is above the ${maxHeader}-byte cap`);
    }
    const headerLength = Number(n);
    if (8 + headerLength > source.size) {
      throw new SafetensorsError('header_too_large', `header length ${headerLength} reaches beyond the end of the ${source.size}-byte file`);
    }
    const headerBytes = await readExactly(source, 8, headerLength);
    const dataStart = 8 + headerLength;
    const { metadata, tensors } = parseHeader(headerBytes, source.size - dataStart);
    return new SafetensorsFile(source, metadata, tensors, dataStart);
  }

  /** Tensor names in header order. */
  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw new SafetensorsError('unknown_tensor', 'no such tensor in this safetensors file', name);
    return info;
  }

  /** The tensor's raw little-endian bytes (a view for in-memory sources). */
  async readBytes(name: string): Promise<Uint8Array> {
    const { dataOffsets: [begin, end] } = this.info(name);
    return readExactly(this.source, this.dataStart + begin, end - begin, name);
  }

  /** The tensor in its native typed array (F16/BF16 as raw bits, I64 as BigInt64Array, BOOL as 0/1 bytes). */
  async readTyped<D extends DType = DType>(name: string): Promise<TypedArrayOf[D]> {
    const info = this.info(name);
    return viewAs(info.dtype as D, await this.readBytes(name));
  }

  /**
   * The tensor as float32, converted exactly where float32 can hold the value (F16, BF16, BOOL and
   * small integers) and rounded to nearest otherwise (F64, large I32/I64). In-memory aligned F32
   * data comes back as a zero-copy view of the source: treat it as read-only.
   */
  async readFloat32(name: string): Promise<Float32Array> {
    const info = this.info(name);
    const { dtype, dataOffsets: [begin, end] } = info;
    const count = (end - begin) / dtypeSize(dtype);
    if (dtype === 'F32' && this.source.readInto) {
      const out = allocFloat32(count);
      await readIntoExactly(this.source, this.dataStart + begin, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), name);
      return out;
    }
    const data: TensorTypedArray = viewAs(dtype, await this.readBytes(name));
    if (dtype === 'F32') return data as Float32Array;
    return toFloat32(dtype, data, allocFloat32(count));
  }

  async close(): Promise<void> {
    await this.source.close?.();
  }
}

async function readExactly(source: ByteSource, offset: number, length: number, tensor?: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await source.read(offset, length);
  } catch (e) {
    throw sourceFailure(e, offset, length, tensor);
  }
  if (bytes.byteLength !== length) {
    throw new SafetensorsError('read_failed', `asked for ${length} bytes at offset ${offset}, the source returned ${bytes.byteLength}`, tensor);
  }
  return bytes;
}

async function readIntoExactly(source: ByteSource, offset: number, target: Uint8Array, tensor: string): Promise<void> {
  if (target.byteLength === 0) return;
  try {
    await source.readInto!(offset, target);
  } catch (e) {
    throw sourceFailure(e, offset, target.byteLength, tensor);
  }
}

function sourceFailure(e: unknown, offset: number, length: number, tensor: string | undefined): SafetensorsError {
  if (e instanceof SafetensorsError) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new SafetensorsError('read_failed', `reading ${length} bytes at offset ${offset} failed: ${why}`, tensor, { cause: e });
}
