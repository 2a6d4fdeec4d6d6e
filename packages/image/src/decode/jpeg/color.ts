/**
 * libjpeg's colour conversion (jdcolor.c) to RGB: YCbCr through its 16-bit fixed-point tables, and
 * the CMYK / YCCK path followed by Pillow's inverted-CMYK ("CMYK;I") → RGB conversion.
 */

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number): number => Math.trunc(x * (1 << SCALEBITS) + 0.5);

/** build_ycc_rgb_table, indexed by the Cb or Cr sample 0..255. */
const TABLES = (() => {
  const crR = new Int32Array(256);
  const cbB = new Int32Array(256);
  const crG = new Int32Array(256);
  const cbG = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const x = i - 128;
    crR[i] = (fix(1.402) * x + ONE_HALF) >> SCALEBITS;
    cbB[i] = (fix(1.772) * x + ONE_HALF) >> SCALEBITS;
    crG[i] = -fix(0.71414) * x;
    cbG[i] = -fix(0.34414) * x + ONE_HALF;
  }
  return { crR, cbB, crG, cbG };
})();

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Converts `width` samples of each component row to RGB pixels written at `out[offset]`, `step`
 * bytes apart (3 for a plain row; another step writes an EXIF-transposed row in place).
 */
export type RowConverter = (rows: readonly Uint8Array[], width: number, out: Uint8Array, offset: number, step: number) => void;

/** ycc_rgb_convert. */
export const yccRowToRgb: RowConverter = ([y, cb, cr], width, out, offset, step) => {
  const { crR, cbB, crG, cbG } = TABLES;
  for (let i = 0, o = offset; i < width; i++, o += step) {
    const Y = y[i];
    const Cb = cb[i];
    const Cr = cr[i];
    out[o] = clamp(Y + crR[Cr]);
    out[o + 1] = clamp(Y + ((cbG[Cb] + crG[Cr]) >> SCALEBITS));
    out[o + 2] = clamp(Y + cbB[Cb]);
  }
};

export const rgbRowToRgb: RowConverter = ([r, g, b], width, out, offset, step) => {
  for (let i = 0, o = offset; i < width; i++, o += step) {
    out[o] = r[i];
    out[o + 1] = g[i];
    out[o + 2] = b[i];
  }
};

export const grayRowToRgb: RowConverter = ([y], width, out, offset, step) => {
  for (let i = 0, o = offset; i < width; i++, o += step) out[o] = out[o + 1] = out[o + 2] = y[i];
};

/** Whole planes into interleaved RGB (ycc_rgb_convert over every sample). */
export function yccToRgb(y: Uint8Array, cb: Uint8Array, cr: Uint8Array, out: Uint8Array): void {
  yccRowToRgb([y, cb, cr], y.length, out, 0, 3);
}

/** Pillow's MULDIV255: a * b / 255 rounded, in integers. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/**
 * libjpeg CMYK output (YCCK converted first: ycck_cmyk_convert), read by Pillow as "CMYK;I"
 * (inverted, Adobe's convention), then Pillow 9.4's cmyk2rgb.
 */
export function cmykRowToRgb(ycck: boolean): RowConverter {
  return ([c0, c1, c2, k], width, out, offset, step) => cmykToRgb(c0, c1, c2, k, ycck, width, out, offset, step);
}

function cmykToRgb(c0: Uint8Array, c1: Uint8Array, c2: Uint8Array, k: Uint8Array, ycck: boolean, width: number, out: Uint8Array, offset: number, step: number): void {
  const { crR, cbB, crG, cbG } = TABLES;
  for (let i = 0, o = offset; i < width; i++, o += step) {
    let c = c0[i];
    let m = c1[i];
    let y = c2[i];
    if (ycck) {
      const Y = c0[i];
      c = clamp(255 - (Y + crR[c2[i]]));
      m = clamp(255 - (Y + ((cbG[c1[i]] + crG[c2[i]]) >> SCALEBITS)));
      y = clamp(255 - (Y + cbB[c1[i]]));
    }
    // "CMYK;I": every channel inverted.
    const nk = 255 - (255 - k[i]);
    out[o] = clamp(nk - mulDiv255(255 - c, nk));
    out[o + 1] = clamp(nk - mulDiv255(255 - m, nk));
    out[o + 2] = clamp(nk - mulDiv255(255 - y, nk));
  }
}
