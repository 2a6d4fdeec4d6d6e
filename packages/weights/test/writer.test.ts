import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bytesSource,
  DTYPES,
  dtypeSize,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  SafetensorsError,
  SafetensorsFile,
  writeSafetensors,
  type DType,
  type TensorInput,
} from '@purevit/weights';
import { fileSource, writeSafetensorsFile } from '@purevit/weights/platform';

const tmp = mkdtempSync(join(tmpdir(), 'purevit-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Random tensors as raw bytes of each dtype, so every bit pattern (NaN payloads included) round-trips.
const tensorArb = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  })
  .chain(({ dtype, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1) * dtypeSize(dtype);
    return fc.uint8Array({ minLength: n, maxLength: n }).map((data): TensorInput => ({ dtype, shape, data }));
  });
const tensorsArb = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '__metadata__'), tensorArb), {
  selector: ([name]) => name,
  maxLength: 6,
});
const metadataArb = fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { nil: undefined });

describe('writeSafetensors', () => {
  it('round-trips through the reader: names in order, dtypes, shapes, bytes, metadata', async () => {
    await fc.assert(
      fc.asyncProperty(tensorsArb, metadataArb, async (tensors, metadata) => {
        const bytes = writeSafetensors(tensors, metadata);
        const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
        expect(headerLength % 8).toBe(0);
        const file = await SafetensorsFile.open(bytesSource(bytes));
        expect(file.names()).toEqual(tensors.map(([n]) => n));
        expect(file.metadata).toEqual(metadata);
        let offset = 0;
        for (const [name, t] of tensors) {
          const info = file.info(name);
          expect(info.dtype).toBe(t.dtype);
          expect(info.shape).toEqual(t.shape);
          // Contiguous in the given order.
          expect(info.dataOffsets[0]).toBe(offset);
          offset = info.dataOffsets[1];
          expect(await file.readBytes(name)).toEqual(t.data);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('takes typed arrays and records of tensors', async () => {
    const bytes = writeSafetensors({
      a: { dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) },
      b: { dtype: 'I64', shape: [], data: new BigInt64Array([-3n]) },
      c: { dtype: 'F16', shape: [1], data: Uint16Array.of(float32ToFloat16Bits(0.1)) },
    }, { format: 'pt' });
    const file = await SafetensorsFile.open(bytesSource(bytes));
    expect([...(await file.readFloat32('a'))]).toEqual([1.5, -2]);
    expect(await file.readTyped('b')).toEqual(new BigInt64Array([-3n]));
    expect((await file.readFloat32('c'))[0]).toBe(0.0999755859375); // the float16 nearest to 0.1
    expect(file.metadata).toEqual({ format: 'pt' });
  });

  it('rejects invalid input with SafetensorsError', () => {
    const t = (dtype: DType, shape: number[], data: TensorInput['data']) => ({ dtype, shape, data });
    const cases: [unknown, string][] = [
      [{ x: t('F32', [3], new Float32Array(2)) }, 'size_mismatch'],
      [{ x: t('F32', [2], new Int32Array(2)) }, 'invalid_tensor'],
      [{ x: t('F32', [-1], new Float32Array(0)) }, 'invalid_tensor'],
      [{ x: { dtype: 'F8', shape: [1], data: new Uint8Array(1) } }, 'unknown_dtype'],
      [{ __metadata__: t('U8', [0], new Uint8Array(0)) }, 'invalid_tensor'],
      [[['x', t('U8', [0], new Uint8Array(0))], ['x', t('U8', [0], new Uint8Array(0))]], 'duplicate_tensor'],
    ];
    for (const [input, code] of cases) {
      expect(() => writeSafetensors(input as Record<string, TensorInput>)).toThrow(expect.objectContaining({ code }));
    }
    expect(() => writeSafetensors({}, { n: 1 } as unknown as Record<string, string>)).toThrow(SafetensorsError);
  });

  it('writes files atomically and reads them back', async () => {
    const path = join(tmp, 'model.safetensors');
    const tensors = { w: { dtype: 'BF16' as const, shape: [2, 2], data: Uint16Array.from([1, -2, 3.5, 1e-3], float32ToBfloat16Bits) } };
    const size = await writeSafetensorsFile(path, tensors, { format: 'pt' });
    expect(readFileSync(path)).toEqual(Buffer.from(writeSafetensors(tensors, { format: 'pt' })));
    const file = await SafetensorsFile.open(await fileSource(path));
    expect(file.source.size).toBe(size);
    expect([...(await file.readFloat32('w'))]).toEqual([1, -2, 3.5, 0.00099945068359375]);
  });
});

describe('float32 → float16 / bfloat16 rounding', () => {
  const toF32 = async (dtype: 'F16' | 'BF16', bits: Uint16Array): Promise<Float32Array> =>
    (await SafetensorsFile.open(bytesSource(writeSafetensors({ t: { dtype, shape: [bits.length], data: bits } })))).readFloat32('t');

  it('every non-NaN half and bfloat16 value round-trips to its own bits', async () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    for (const [dtype, round] of [['F16', float32ToFloat16Bits], ['BF16', float32ToBfloat16Bits]] as const) {
      const values = await toF32(dtype, all);
      for (let i = 0; i < 65536; i++) {
        if (Number.isNaN(values[i])) expect(Number.isNaN((await toF32(dtype, Uint16Array.of(round(values[i]))))[0])).toBe(true);
        else expect(round(values[i])).toBe(i);
      }
    }
  });

  it('rounds to the nearest representable value, ties to even', async () => {
    // Spec facts: 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10) → even (1).
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // halfway to 2^16 overflows to Inf
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0); // half the smallest subnormal: tie to even
    expect(float32ToFloat16Bits(2 ** -25 * 1.0001)).toBe(1);
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    await fc.assert(
      fc.asyncProperty(fc.float({ noNaN: true }), async (x) => {
        for (const [dtype, round] of [['F16', float32ToFloat16Bits], ['BF16', float32ToBfloat16Bits]] as const) {
          const r = round(x);
          const [mid, below, above] = await toF32(dtype, Uint16Array.of(r, (r - 1) & 0xffff, (r + 1) & 0xffff));
          if (!Number.isFinite(mid)) continue;
          const err = Math.abs(x - mid);
          // Neighbours in bit order are the adjacent values for a fixed sign.
          for (const other of [below, above]) if (Number.isFinite(other) && Math.sign(other) === Math.sign(mid)) expect(err).toBeLessThanOrEqual(Math.abs(x - other));
        }
      }),
    );
  });
});
