/**
 * Tensor data of Open Inference Protocol (KServe v2) requests: the JSON "data" arrays (nested or
 * flat, row-major) and the binary tensor data extension (raw little-endian values after the JSON
 * header; BYTES elements each prefixed by a 4-byte little-endian length). Every mismatch between
 * shape, datatype and data is a 400 naming the input.
 */

import { badRequest } from './http-error.js';

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Flattens row-major nested arrays no deeper than `maxDepth` levels, without recursion. */
export function flattenData(data: unknown, maxDepth: number, what: string): unknown[] {
  if (!Array.isArray(data)) throw badRequest(`${what}: "data" must be an array`);
  const out: unknown[] = [];
  const stack: { items: unknown[]; index: number }[] = [{ items: data, index: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.index === top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.index++];
    if (Array.isArray(item)) {
      if (stack.length >= maxDepth) throw badRequest(`${what}: "data" is nested deeper than its shape`);
      stack.push({ items: item, index: 0 });
    } else {
      out.push(item);
    }
  }
  return out;
}

export function jsonFp32(data: unknown, shape: readonly number[], what: string): Float32Array {
  const values = flattenData(data, Math.max(1, shape.length), what);
  const expected = elementCount(shape);
  if (values.length !== expected) throw badRequest(`${what}: shape [${shape.join(', ')}] holds ${expected} values, "data" has ${values.length}`);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${what}: FP32 data must be finite numbers, element ${i} is ${JSON.stringify(v)}`);
    out[i] = v;
  }
  return out;
}

export function jsonStrings(data: unknown, shape: readonly number[], what: string): string[] {
  const values = flattenData(data, Math.max(1, shape.length), what);
  const expected = elementCount(shape);
  if (values.length !== expected) throw badRequest(`${what}: shape [${shape.join(', ')}] holds ${expected} elements, "data" has ${values.length}`);
  return values.map((v, i) => {
    if (typeof v !== 'string') throw badRequest(`${what}: BYTES data must be strings (base64-encoded images), element ${i} is ${v === null ? 'null' : typeof v}`);
    return v;
  });
}

export function binaryFp32(bytes: Uint8Array, shape: readonly number[], what: string): Float32Array {
  const expected = elementCount(shape);
  if (bytes.byteLength !== expected * 4) throw badRequest(`${what}: shape [${shape.join(', ')}] of FP32 needs ${expected * 4} bytes of binary data, got ${bytes.byteLength}`);
  const out = new Float32Array(expected);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < expected; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) throw badRequest(`${what}: FP32 data must be finite numbers, element ${i} is ${v}`);
    out[i] = v;
  }
  return out;
}

export function binaryElements(bytes: Uint8Array, shape: readonly number[], what: string): Uint8Array[] {
  const expected = elementCount(shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength) throw badRequest(`${what}: BYTES binary data ends inside an element's 4-byte length`);
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength) throw badRequest(`${what}: BYTES element ${out.length} declares ${length} bytes, only ${bytes.byteLength - offset} remain`);
    out.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  if (out.length !== expected) throw badRequest(`${what}: shape [${shape.join(', ')}] holds ${expected} elements, the binary data has ${out.length}`);
  return out;
}

/** Binary form of an output: FP32 little-endian, or BYTES as length-prefixed UTF-8 strings. */
export function encodeBinary(datatype: 'FP32' | 'BYTES', data: Float32Array | readonly string[]): Uint8Array {
  if (datatype === 'FP32') {
    const values = data as Float32Array;
    const out = new Uint8Array(values.length * 4);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return out;
  }
  const parts = (data as readonly string[]).map((s) => Buffer.from(s, 'utf8'));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const p of parts) {
    view.setUint32(offset, p.length, true);
    out.set(p, offset + 4);
    offset += 4 + p.length;
  }
  return out;
}
