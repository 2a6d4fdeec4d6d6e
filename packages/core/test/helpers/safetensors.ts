import { readFileSync } from 'node:fs';

/** Minimal safetensors reader for the golden kernel tests: 8-byte LE header length, JSON header, data. */
export interface StoredTensor {
  dtype: 'F32' | 'I64';
  shape: number[];
  data: Float32Array | BigInt64Array;
}

export function readSafetensors(path: string): Map<string, StoredTensor> {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLength;
  const tensors = new Map<string, StoredTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = info.data_offsets;
    // Copy so the typed array is aligned whatever the offset.
    const buffer = bytes.buffer.slice(bytes.byteOffset + base + start, bytes.byteOffset + base + end);
    if (info.dtype === 'F32') tensors.set(name, { dtype: 'F32', shape: info.shape, data: new Float32Array(buffer) });
    else if (info.dtype === 'I64') tensors.set(name, { dtype: 'I64', shape: info.shape, data: new BigInt64Array(buffer) });
    else throw new Error(`${path}: tensor ${name} has unsupported dtype ${info.dtype}`);
  }
  return tensors;
}
