import { describe, expect, it } from 'vitest';
import { bytesSource, float16BitsToFloat32Bits, SafetensorsFile } from '@purevit/weights';

// Independent reference: the IEEE 754 binary16 / bfloat16 value formulas, evaluated in float64.
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

function bf16Value(b: number): number {
  const sign = b & 0x8000 ? -1 : 1;
  const exp = (b >> 7) & 0xff;
  const mant = b & 0x7f;
  if (exp === 0) return sign * 2 ** -126 * (mant / 128);
  if (exp === 255) return mant === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exp - 127) * (1 + mant / 128);
}

function fileOf(dtype: string, shape: number[], data: Uint8Array): Uint8Array {
  let header = JSON.stringify({ t: { dtype, shape, data_offsets: [0, data.byteLength] } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const out = new Uint8Array(8 + header.length + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(new TextEncoder().encode(header), 8);
  out.set(data, 8 + header.length);
  return out;
}

async function readAll(dtype: string, shape: number[], data: ArrayBufferView): Promise<SafetensorsFile> {
  return SafetensorsFile.open(bytesSource(fileOf(dtype, shape, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))));
}

describe('dtype conversion to float32', () => {
  const all = new Uint16Array(65536).map((_, i) => i);

  it('F16: every bit pattern converts exactly (subnormals, ±0, ±Inf, NaN payloads)', async () => {
    const out = await (await readAll('F16', [65536], all)).readFloat32('t');
    const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let h = 0; h < 65536; h++) {
      const want = halfValue(h);
      if (Number.isNaN(want)) {
        expect(Number.isNaN(out[h])).toBe(true);
        // The payload survives: the 10 mantissa bits land in the top of float32's 23.
        expect((bits[h] >>> 13) & 0x3ff).toBe(h & 0x3ff);
      } else {
        expect(Object.is(out[h], want), `0x${h.toString(16)}`).toBe(true);
      }
      expect(bits[h]).toBe(float16BitsToFloat32Bits(h));
    }
    expect(out[0x0001]).toBe(2 ** -24);
    expect(out[0x7bff]).toBe(65504);
    expect(out[0xfc00]).toBe(-Infinity);
  });

  it('BF16: every bit pattern converts exactly', async () => {
    const out = await (await readAll('BF16', [256, 256], all)).readFloat32('t');
    for (let b = 0; b < 65536; b++) {
      const want = bf16Value(b);
      if (Number.isNaN(want)) expect(Number.isNaN(out[b])).toBe(true);
      else expect(Object.is(out[b], want), `0x${b.toString(16)}`).toBe(true);
    }
  });

  it('F64 rounds to nearest float32; integers and BOOL convert by value', async () => {
    const f64 = new Float64Array([1 + 2 ** -30, -0, 1e300, 3.14159]);
    expect([...(await (await readAll('F64', [4], f64)).readFloat32('t'))]).toEqual([1, -0, Infinity, Math.fround(3.14159)]);
    const i64 = new BigInt64Array([-5n, 0n, 2n ** 40n]);
    const f = await readAll('I64', [3], i64);
    expect([...(await f.readFloat32('t'))]).toEqual([-5, 0, 2 ** 40]);
    expect(await f.readTyped('t')).toEqual(i64);
    for (const [dtype, arr] of [
      ['I32', new Int32Array([-7, 123456])],
      ['I16', new Int16Array([-7, 32767])],
      ['I8', new Int8Array([-128, 127])],
      ['U8', new Uint8Array([0, 255])],
      ['BOOL', new Uint8Array([1, 0])],
    ] as const) {
      const file = await readAll(dtype, [2], arr);
      expect([...(await file.readFloat32('t'))]).toEqual([...arr]);
      const typed = await file.readTyped('t');
      expect(typed.constructor).toBe(arr.constructor);
      expect([...typed]).toEqual([...arr]);
    }
  });

  it('in-memory aligned F32 is a zero-copy view; misaligned data is copied', async () => {
    const bytes = fileOf('F32', [3], new Uint8Array(new Float32Array([1, 2, 3]).buffer));
    const view = await (await SafetensorsFile.open(bytesSource(bytes))).readFloat32('t');
    expect(view.buffer).toBe(bytes.buffer);
    expect([...view]).toEqual([1, 2, 3]);
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    const copy = await (await SafetensorsFile.open(bytesSource(shifted.subarray(1)))).readFloat32('t');
    expect(copy.buffer).not.toBe(shifted.buffer);
    expect([...copy]).toEqual([1, 2, 3]);
  });
});
