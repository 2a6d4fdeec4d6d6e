/**
 * libjpeg's accurate integer inverse DCT (jpeg_idct_islow, JDCT_ISLOW: the default, and what
 * Pillow's libjpeg-turbo uses): Loeffler-Ligtenberg-Moschytz with 13-bit constants, columns then
 * rows, 2 extra bits of precision between the passes, and libjpeg's wrap-around range limiting.
 * Results are identical to libjpeg-turbo's (its SIMD versions are bit-exact with this C code).
 */

const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

const PASS1_SHIFT = 2 ** (CONST_BITS - PASS1_BITS);
const PASS2_SHIFT = 2 ** (CONST_BITS + PASS1_BITS + 3);

/**
 * libjpeg's post-IDCT range limit: index (value & 1023) for a value centred on 0, giving
 * clamp(value + 128, 0, 255) for |value| < 512 and wrapping beyond, as the C table does.
 */
const RANGE_LIMIT = (() => {
  const t = new Uint8Array(1024);
  for (let i = 0; i < 1024; i++) {
    const v = i < 512 ? i : i - 1024;
    t[i] = v < -128 ? 0 : v > 127 ? 255 : v + 128;
  }
  return t;
})();

/** DESCALE(x, n): x / 2^n rounded half up, computed in float64 (exact for these magnitudes). */
function descale(x: number, scale: number): number {
  return Math.floor((x + scale / 2) / scale);
}

const workspace = new Int32Array(64);

/**
 * Inverse-transforms one block: `coefs` (natural order, at `offset`) times `quant`, into `out`
 * at `outOffset` with row stride `outStride`.
 */
export function idctIslow(coefs: Int16Array, offset: number, quant: Int32Array, out: Uint8Array, outOffset: number, outStride: number): void {
  const ws = workspace;
  // Pass 1: columns.
  for (let c = 0; c < 8; c++) {
    const i = offset + c;
    if (coefs[i + 8] === 0 && coefs[i + 16] === 0 && coefs[i + 24] === 0 && coefs[i + 32] === 0 &&
        coefs[i + 40] === 0 && coefs[i + 48] === 0 && coefs[i + 56] === 0) {
      const dc = coefs[i] * quant[c] * (1 << PASS1_BITS);
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    let z2 = coefs[i + 16] * quant[c + 16];
    let z3 = coefs[i + 48] * quant[c + 48];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = coefs[i] * quant[c];
    z3 = coefs[i + 32] * quant[c + 32];
    let tmp0 = (z2 + z3) * (1 << CONST_BITS);
    let tmp1 = (z2 - z3) * (1 << CONST_BITS);
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;

    tmp0 = coefs[i + 56] * quant[c + 56];
    tmp1 = coefs[i + 40] * quant[c + 40];
    tmp2 = coefs[i + 24] * quant[c + 24];
    tmp3 = coefs[i + 8] * quant[c + 8];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;

    // (int)DESCALE(...): stored as C ints.
    ws[c] = descale(tmp10 + tmp3, PASS1_SHIFT);
    ws[56 + c] = descale(tmp10 - tmp3, PASS1_SHIFT);
    ws[8 + c] = descale(tmp11 + tmp2, PASS1_SHIFT);
    ws[48 + c] = descale(tmp11 - tmp2, PASS1_SHIFT);
    ws[16 + c] = descale(tmp12 + tmp1, PASS1_SHIFT);
    ws[40 + c] = descale(tmp12 - tmp1, PASS1_SHIFT);
    ws[24 + c] = descale(tmp13 + tmp0, PASS1_SHIFT);
    ws[32 + c] = descale(tmp13 - tmp0, PASS1_SHIFT);
  }

  // Pass 2: rows.
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    const o = outOffset + r * outStride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 &&
        ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const dc = RANGE_LIMIT[descale(ws[w], 2 ** (PASS1_BITS + 3)) & 1023];
      for (let c = 0; c < 8; c++) out[o + c] = dc;
      continue;
    }
    let z2 = ws[w + 2];
    let z3 = ws[w + 6];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (ws[w] + ws[w + 4]) * (1 << CONST_BITS);
    let tmp1 = (ws[w] - ws[w + 4]) * (1 << CONST_BITS);
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;

    tmp0 = ws[w + 7];
    tmp1 = ws[w + 5];
    tmp2 = ws[w + 3];
    tmp3 = ws[w + 1];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;

    out[o] = RANGE_LIMIT[descale(tmp10 + tmp3, PASS2_SHIFT) & 1023];
    out[o + 7] = RANGE_LIMIT[descale(tmp10 - tmp3, PASS2_SHIFT) & 1023];
    out[o + 1] = RANGE_LIMIT[descale(tmp11 + tmp2, PASS2_SHIFT) & 1023];
    out[o + 6] = RANGE_LIMIT[descale(tmp11 - tmp2, PASS2_SHIFT) & 1023];
    out[o + 2] = RANGE_LIMIT[descale(tmp12 + tmp1, PASS2_SHIFT) & 1023];
    out[o + 5] = RANGE_LIMIT[descale(tmp12 - tmp1, PASS2_SHIFT) & 1023];
    out[o + 3] = RANGE_LIMIT[descale(tmp13 + tmp0, PASS2_SHIFT) & 1023];
    out[o + 4] = RANGE_LIMIT[descale(tmp13 - tmp0, PASS2_SHIFT) & 1023];
  }
}
