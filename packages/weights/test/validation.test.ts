import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesSource, SafetensorsError, SafetensorsFile, writeSafetensors, type ByteSource, type SafetensorsErrorCode } from '@purevit/weights';

const enc = new TextEncoder();

/** A file with a raw header text, an explicit length prefix (default: the text's) and a data section. */
function forge(header: string | Uint8Array, data = new Uint8Array(0), length?: bigint): Uint8Array {
  const h = typeof header === 'string' ? enc.encode(header) : header;
  const out = new Uint8Array(8 + h.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.byteLength), true);
  out.set(h, 8);
  out.set(data, 8 + h.byteLength);
  return out;
}

async function openAndReadAll(bytes: Uint8Array): Promise<void> {
  const file = await SafetensorsFile.open(bytesSource(bytes));
  for (const name of file.names()) {
    await file.readTyped(name);
    await file.readFloat32(name);
  }
}

async function expectCode(bytes: Uint8Array, code: SafetensorsErrorCode, tensor?: string): Promise<void> {
  const error = await openAndReadAll(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafetensorsError);
  expect((error as SafetensorsError).code).toBe(code);
  if (tensor !== undefined) {
    expect((error as SafetensorsError).tensor).toBe(tensor);
    expect((error as SafetensorsError).message).toContain(JSON.stringify(tensor));
  }
}

const entry = (dtype: unknown, shape: unknown, offsets: unknown) => JSON.stringify({ dtype, shape, data_offsets: offsets });

describe('strict validation', () => {
  it('length prefix: too small, above the cap, beyond the file', async () => {
    await expectCode(new Uint8Array(7), 'file_too_small');
    await expectCode(forge('{}', new Uint8Array(0), 25_000_001n), 'header_too_large');
    await expectCode(forge('{}', new Uint8Array(0), 0xffffffffffffffffn), 'header_too_large');
    await expectCode(forge('{}', new Uint8Array(0), 3n), 'header_too_large');
    // The cap is configurable, and checked before anything is allocated.
    await expect(SafetensorsFile.open(bytesSource(forge('{}      ')), { maxHeaderSize: 4 })).rejects.toMatchObject({ code: 'header_too_large' });
  });

  it('header text: UTF-8, JSON, an object', async () => {
    await expectCode(forge(Uint8Array.of(0x7b, 0xff, 0x7d)), 'invalid_header');
    await expectCode(forge('{"a": '), 'invalid_header');
    await expectCode(forge('[]'), 'invalid_header');
    await expectCode(forge('{} x'), 'invalid_header');
    await expectCode(forge('['.repeat(10_000) + ']'.repeat(10_000)), 'invalid_header');
    await expectCode(forge(''), 'invalid_header');
  });

  it('entries: missing fields, bad shapes and offsets, unknown dtypes', async () => {
    const d4 = new Uint8Array(4);
    await expectCode(forge(`{"w": {"shape": [1], "data_offsets": [0, 4]}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": {"dtype": "F32", "data_offsets": [0, 4]}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": {"dtype": "F32", "shape": [1]}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": 5}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": ${entry('F32', [1.5], [0, 4])}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": ${entry('F32', [-1], [0, 4])}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": ${entry('F32', [1], [4, 0])}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": ${entry('F32', [1], [0])}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": ${entry('F32', [1], [0, 1e300])}}`, d4), 'invalid_entry', 'w');
    await expectCode(forge(`{"w": ${entry('F8_E4M3', [4], [0, 4])}}`, d4), 'unknown_dtype', 'w');
    await expectCode(forge(`{"w": ${entry(4, [4], [0, 4])}}`, d4), 'unknown_dtype', 'w');
  });

  it('sizes and offsets: shape × dtype, bounds, overlaps, gaps, trailing bytes', async () => {
    const d8 = new Uint8Array(8);
    await expectCode(forge(`{"w": ${entry('F32', [3], [0, 8])}}`, d8), 'size_mismatch', 'w');
    await expectCode(forge(`{"w": ${entry('F32', [2 ** 40, 2 ** 40], [0, 8])}}`, d8), 'size_mismatch', 'w');
    await expectCode(forge(`{"w": ${entry('F32', [4], [0, 16])}}`, d8), 'offsets_out_of_bounds', 'w');
    await expectCode(forge(`{"a": ${entry('F32', [2], [0, 8])}, "b": ${entry('F32', [1], [4, 8])}}`, d8), 'non_contiguous', 'b');
    await expectCode(forge(`{"a": ${entry('F32', [1], [0, 4])}, "b": ${entry('U8', [2], [6, 8])}}`, d8), 'non_contiguous', 'b');
    await expectCode(forge(`{"a": ${entry('F32', [1], [4, 8])}}`, d8), 'non_contiguous', 'a');
    await expectCode(forge(`{"a": ${entry('F32', [1], [0, 4])}}`, d8), 'non_contiguous');
  });

  it('duplicate names and metadata that is not a string map', async () => {
    const d4 = new Uint8Array(4);
    await expectCode(forge(`{"w": ${entry('F32', [1], [0, 4])}, "w": ${entry('F32', [1], [0, 4])}}`, d4), 'duplicate_tensor', 'w');
    await expectCode(forge(`{"__metadata__": {"format": 1}}`), 'invalid_metadata');
    await expectCode(forge(`{"__metadata__": ["pt"]}`), 'invalid_metadata');
    await expectCode(forge(`{"__metadata__": {"a": "b"}, "__metadata__": {}}`), 'duplicate_tensor', '__metadata__');
  });

  it('unknown tensor names and short reads', async () => {
    const bytes = writeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
    const file = await SafetensorsFile.open(bytesSource(bytes));
    await expect(file.readFloat32('nope')).rejects.toMatchObject({ code: 'unknown_tensor', tensor: 'nope' });
    const inner = bytesSource(bytes);
    const short: ByteSource = { size: inner.size, read: async (o, l) => (await inner.read(o, l)).subarray(0, Math.max(0, l - 1)) };
    await expect(SafetensorsFile.open(short)).rejects.toMatchObject({ code: 'read_failed' });
    const failing: ByteSource = { size: inner.size, read: (o, l) => (o === 0 ? inner.read(o, l) : Promise.reject(new Error('disk on fire'))) };
    await expect(SafetensorsFile.open(failing)).rejects.toMatchObject({ code: 'read_failed', message: expect.stringContaining('disk on fire') });
  });

  it('empty files and zero-size tensors are valid', async () => {
    const empty = await SafetensorsFile.open(bytesSource(forge('{}      ')));
    expect(empty.names()).toEqual([]);
    const huge = await SafetensorsFile.open(bytesSource(forge(`{"__metadata__": null, "z": ${entry('F64', [2 ** 52, 2 ** 52, 2 ** 52, 0], [0, 0])}}`)));
    expect(huge.metadata).toBeUndefined();
    expect((await huge.readFloat32('z')).length).toBe(0);
    const bytes = writeSafetensors({ z: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) }, s: { dtype: 'U8', shape: [], data: Uint8Array.of(7) } });
    const file = await SafetensorsFile.open(bytesSource(bytes));
    expect((await file.readFloat32('z')).length).toBe(0);
    expect([...(await file.readFloat32('s'))]).toEqual([7]);
  });
});

/** A source that records every read, to check that nothing asks for more than the file holds. */
function watched(bytes: Uint8Array): { source: ByteSource; requested: () => number } {
  const inner = bytesSource(bytes);
  let total = 0;
  return {
    source: {
      size: inner.size,
      read: (offset, length) => {
        total += length;
        return inner.read(offset, length);
      },
    },
    requested: () => total,
  };
}

/** Opens and reads everything; the only acceptable failure is a SafetensorsError. */
async function survives(bytes: Uint8Array): Promise<void> {
  const { source, requested } = watched(bytes);
  try {
    const file = await SafetensorsFile.open(source);
    expect(requested()).toBeLessThanOrEqual(bytes.byteLength);
    for (const name of file.names()) {
      const info = file.info(name);
      expect(info.dataOffsets[1]).toBeLessThanOrEqual(bytes.byteLength - file.dataStart);
      const values = await file.readFloat32(name);
      expect(values.length).toBe(info.shape.reduce((a, b) => a * b, 1));
    }
    // Every tensor once, plus the header: never more than the file.
    expect(requested()).toBeLessThanOrEqual(bytes.byteLength);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
  }
}

const valid = writeSafetensors(
  {
    'a.weight': { dtype: 'F32', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    b: { dtype: 'F16', shape: [3], data: Uint16Array.of(0x3c00, 0x7c00, 0x0001) },
    c: { dtype: 'BF16', shape: [1], data: Uint16Array.of(0x3f80) },
    d: { dtype: 'I64', shape: [], data: BigInt64Array.of(-1n) },
    e: { dtype: 'BOOL', shape: [2], data: Uint8Array.of(0, 1) },
  },
  { format: 'pt' },
);

describe('fuzzing corrupted files', () => {
  it('bit flips anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: valid.byteLength * 8 - 1 }), { minLength: 1, maxLength: 4 }), async (bits) => {
        const bytes = valid.slice();
        for (const b of bits) bytes[b >> 3] ^= 1 << (b & 7);
        await survives(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('truncation and appended bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.byteLength - 1 }), async (n) => {
        await expect(openAndReadAll(valid.subarray(0, n))).rejects.toBeInstanceOf(SafetensorsError);
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 16 }), async (extra) => {
        const bytes = new Uint8Array(valid.byteLength + extra.byteLength);
        bytes.set(valid);
        bytes.set(extra, valid.byteLength);
        await expect(openAndReadAll(bytes)).rejects.toMatchObject({ code: 'non_contiguous' });
      }),
    );
  });

  it('forged length prefixes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: BigInt(valid.byteLength) })), async (length) => {
        const bytes = valid.slice();
        new DataView(bytes.buffer).setBigUint64(0, length, true);
        await survives(bytes);
      }),
    );
  });

  const number = fc.oneof(fc.integer({ min: -2, max: 64 }), fc.double(), fc.constantFrom(2 ** 53, 2 ** 64, -0, 1e308));
  const forgedEntry = fc.record(
    {
      dtype: fc.oneof(fc.constantFrom('F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'U64', 'f32'), fc.jsonValue()),
      shape: fc.oneof(fc.array(number, { maxLength: 4 }), fc.jsonValue()),
      data_offsets: fc.oneof(fc.tuple(number, number), fc.array(number, { maxLength: 3 }), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  const forgedHeader = fc.dictionary(fc.oneof(fc.constantFrom('__metadata__', 'w', 'x'), fc.string({ maxLength: 4 })), fc.oneof(forgedEntry, fc.jsonValue()), {
    maxKeys: 5,
  });

  it('forged headers (structured and arbitrary JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(forgedHeader, fc.uint8Array({ maxLength: 96 }), async (header, data) => {
        await survives(forge(JSON.stringify(header), data));
      }),
      { numRuns: 3000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string(), fc.uint8Array({ maxLength: 64 })), fc.uint8Array({ maxLength: 32 }), async (header, data) => {
        await survives(forge(header, data));
      }),
      { numRuns: 1000 },
    );
  });
});
