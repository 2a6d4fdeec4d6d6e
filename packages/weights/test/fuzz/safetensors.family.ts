// Fuzz family: safetensors files. Seeds of every dtype, with metadata and empty tensors; mutations
// of the bytes and of the header's JSON (re-encoded with a correct length prefix, so they reach the
// validation). A correct result reads every tensor with the element count its header declares.
import { bytesSource, SafetensorsFile, writeSafetensors, type TensorInputs } from '@purevit/weights';
import { FuzzCheckError, type FuzzFamily } from '../../../../test-utils/fuzz/family.js';
import { concat, mutateBytes, mutateJson, stringifyJson, type Json } from '../../../../test-utils/fuzz/mutators.js';
import type { Rng } from '../../../../test-utils/fuzz/rng.js';

let seeds: Uint8Array[] = [];

function seedFiles(): Uint8Array[] {
  const f32 = (shape: number[]) => ({ dtype: 'F32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => i - 3) });
  const sets: [TensorInputs, Record<string, string>?][] = [
    [{ 'vit.embeddings.cls_token': f32([1, 1, 4]), 'classifier.weight': f32([3, 4]), 'classifier.bias': f32([3]) }, { format: 'pt' }],
    [{ a: { dtype: 'F16', shape: [5], data: new Uint16Array([0, 0x3c00, 0x7c00, 0xfc00, 0x7e00]) }, b: { dtype: 'BF16', shape: [2, 2], data: new Uint16Array([0x3f80, 0, 0x7f80, 0x7fc0]) } }],
    [{ ids: { dtype: 'I64', shape: [3], data: new BigInt64Array([1n, -2n, 3n]) }, mask: { dtype: 'BOOL', shape: [4], data: new Uint8Array([0, 1, 1, 0]) }, u: { dtype: 'U8', shape: [2], data: new Uint8Array([7, 9]) } }],
    [{ empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) }, scalar: { dtype: 'F64', shape: [], data: new Float64Array([2.5]) }, i32: { dtype: 'I32', shape: [2], data: new Int32Array([1, -1]) } }, { note: 'x' }],
  ];
  return sets.map(([t, m]) => writeSafetensors(t, m));
}

interface Input {
  bytes: Uint8Array;
}

/** The header as JSON, mutated, written back with its length prefix and the original data section. */
function mutateHeader(rng: Rng, file: Uint8Array): Uint8Array {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))) as Json;
  const text = new TextEncoder().encode(stringifyJson(mutateJson(rng, header, ['dtype', 'shape', 'data_offsets', '__metadata__'])));
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(text.length), true);
  return concat(prefix, text, file.subarray(8 + n));
}

const family: FuzzFamily<Input> = {
  name: 'safetensors',
  async setup() {
    seeds = seedFiles();
  },
  input(rng) {
    const seed = rng.pick(seeds);
    if (rng.chance(0.15)) {
      // Data bytes only: the header stays valid, so the read paths run to the end.
      const bytes = seed.slice();
      const start = 8 + Number(new DataView(seed.buffer, seed.byteOffset).getBigUint64(0, true));
      for (let k = 0; k < 4 && start < bytes.length; k++) bytes[start + rng.int(bytes.length - start)] ^= 1 << rng.int(8);
      return { bytes };
    }
    const bytes = rng.chance(0.5) ? mutateHeader(rng, seed) : mutateBytes(rng, seed, seeds);
    return { bytes: rng.chance(0.2) ? mutateBytes(rng, bytes) : bytes };
  },
  declaredBytes: (input) => input.bytes.length,
  async run({ bytes }) {
    const file = await SafetensorsFile.open(bytesSource(bytes));
    for (const name of file.names()) {
      const info = file.tensors.get(name)!;
      const count = info.shape.reduce((a, b) => a * b, 1);
      const values = info.dtype === 'BOOL' || info.dtype.startsWith('I') || info.dtype.startsWith('U') ? await file.readTyped(name) : await file.readFloat32(name);
      if (values.length !== count) throw new FuzzCheckError(`${name}: ${values.length} values for shape [${info.shape.join(', ')}]`);
    }
  },
};

export default family;
