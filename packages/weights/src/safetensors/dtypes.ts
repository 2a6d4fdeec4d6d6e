/**
 * Safetensors dtypes: element sizes, the typed array each one reads into, and exact conversions of
 * every dtype to float32 (F16 and BF16 bit-exact, including subnormals, infinities and NaN payloads).
 */

export const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const;
export type DType = (typeof DTYPES)[number];

const BYTES: Record<DType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(BYTES, value);
}

export function dtypeSize(dtype: DType): number {
  return BYTES[dtype];
}

/**
 * The native array of each dtype. F16 and BF16 have no JavaScript type and come back as their raw
 * 16-bit patterns; BOOL as 0/1 bytes.
 */
export interface TypedArrayOf {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}
export type TensorTypedArray = TypedArrayOf[DType];

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Views little-endian `bytes` as the dtype's typed array. Zero-copy when the bytes are aligned for
 * the element size (and the host is little-endian, which every JavaScript engine in use is);
 * otherwise copies into a fresh aligned buffer.
 */
export function viewAs<D extends DType>(dtype: D, bytes: Uint8Array): TypedArrayOf[D] {
  const size = BYTES[dtype];
  const n = bytes.byteLength / size;
  if (!LITTLE_ENDIAN_HOST && size > 1) return decodeBigEndianHost(dtype, bytes) as TypedArrayOf[D];
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset } = aligned;
  switch (dtype) {
    case 'F64': return new Float64Array(buffer, byteOffset, n) as TypedArrayOf[D];
    case 'F32': return new Float32Array(buffer, byteOffset, n) as TypedArrayOf[D];
    case 'F16':
    case 'BF16': return new Uint16Array(buffer, byteOffset, n) as TypedArrayOf[D];
    case 'I64': return new BigInt64Array(buffer, byteOffset, n) as TypedArrayOf[D];
    case 'I32': return new Int32Array(buffer, byteOffset, n) as TypedArrayOf[D];
    case 'I16': return new Int16Array(buffer, byteOffset, n) as TypedArrayOf[D];
    case 'I8': return new Int8Array(buffer, byteOffset, n) as TypedArrayOf[D];
    default: return new Uint8Array(buffer, byteOffset, n) as TypedArrayOf[D];
  }
}

// Only reached on a big-endian host: element-wise little-endian decode.
function decodeBigEndianHost(dtype: DType, bytes: Uint8Array): TensorTypedArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / BYTES[dtype];
  const fill = <T extends { [i: number]: number | bigint }>(out: T, get: (i: number) => number | bigint): T => {
    for (let i = 0; i < n; i++) out[i] = get(i);
    return out;
  };
  switch (dtype) {
    case 'F64': return fill(new Float64Array(n), (i) => view.getFloat64(i * 8, true));
    case 'F32': return fill(new Float32Array(n), (i) => view.getFloat32(i * 4, true));
    case 'F16':
    case 'BF16': return fill(new Uint16Array(n), (i) => view.getUint16(i * 2, true));
    case 'I64': return fill(new BigInt64Array(n), (i) => view.getBigInt64(i * 8, true));
    case 'I32': return fill(new Int32Array(n), (i) => view.getInt32(i * 4, true));
    case 'I16': return fill(new Int16Array(n), (i) => view.getInt16(i * 2, true));
    default: return bytes.slice();
  }
}

let halfTable: Uint32Array | undefined;

/** float32 bit pattern of every float16 bit pattern; built once (256 KiB). */
function float16Table(): Uint32Array {
  if (halfTable) return halfTable;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) table[h] = float16BitsToFloat32Bits(h);
  halfTable = table;
  return table;
}

/** Exact float16 → float32 on bit patterns: every half value (and NaN payload) is representable. */
export function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // ±Inf, NaN with its payload
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0; // ±0
  // Subnormal half: normalise into a float32 normal number.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

export function float16ToFloat32(bits: Uint16Array, out: Float32Array): Float32Array {
  const table = float16Table();
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) o[i] = table[bits[i]];
  return out;
}

export function bfloat16ToFloat32(bits: Uint16Array, out: Float32Array): Float32Array {
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) o[i] = bits[i] << 16;
  return out;
}

/** Converts any dtype's native array to float32 (round to nearest even for F64, I64, I32). */
export function toFloat32(dtype: DType, data: TensorTypedArray, out: Float32Array): Float32Array {
  if (dtype === 'F16') return float16ToFloat32(data as Uint16Array, out);
  if (dtype === 'BF16') return bfloat16ToFloat32(data as Uint16Array, out);
  if (dtype === 'I64') {
    const src = data as BigInt64Array;
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
    return out;
  }
  out.set(data as Exclude<TensorTypedArray, BigInt64Array>);
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → float16 bits, rounding to nearest even (overflow → ±Inf; NaN stays NaN, quieted). */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const f = u32[0];
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const mant = f & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    const m = mant | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) !== 0)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) !== 0)) half++; // a carry may round up to Inf, as it should
  return sign | half;
}

/** float32 → bfloat16 bits, rounding to nearest even (NaN stays NaN, quieted). */
export function float32ToBfloat16Bits(x: number): number {
  f32[0] = x;
  const f = u32[0];
  if ((f & 0x7f800000) === 0x7f800000 && (f & 0x7fffff) !== 0) return (f >>> 16) | 0x40;
  const bits = f >>> 16;
  const rem = f & 0xffff;
  return (bits + (rem > 0x8000 || (rem === 0x8000 && (bits & 1) !== 0) ? 1 : 0)) & 0xffff;
}

/** Rounds float32 values to float16 bit patterns (for writing F16 checkpoints). */
export function toFloat16Bits(values: ArrayLike<number>): Uint16Array {
  return Uint16Array.from(values as ArrayLike<number>, float32ToFloat16Bits);
}

export function toBfloat16Bits(values: ArrayLike<number>): Uint16Array {
  return Uint16Array.from(values as ArrayLike<number>, float32ToBfloat16Bits);
}
