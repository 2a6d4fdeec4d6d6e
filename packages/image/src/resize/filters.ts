/**
 * PIL's resampling filters (libImaging/Resample.c), their support radius and PIL's integer codes.
 * Evaluated in float64 exactly as the C code does, including its float32 Hamming constants, so the
 * fixed-point coefficients derived from them round the same way.
 */

import { formatValue } from '@purevit/weights';
import { ImageError } from '../errors.js';

export type ResampleName = 'nearest' | 'lanczos' | 'bilinear' | 'bicubic' | 'box' | 'hamming';

/** PIL's `Image.Resampling` codes, which preprocessor configs store as `resample`. */
export const RESAMPLE_CODES: Readonly<Record<ResampleName, number>> = Object.freeze({
  nearest: 0,
  lanczos: 1,
  bilinear: 2,
  bicubic: 3,
  box: 4,
  hamming: 5,
});

/** A filter name (any case, e.g. 'BICUBIC') or PIL's integer code. */
export type Resample = ResampleName | Uppercase<ResampleName> | 0 | 1 | 2 | 3 | 4 | 5;

/** Normalises a filter name or PIL code; throws on anything else, listing the valid values. */
export function resampleName(resample: Resample | string | number): ResampleName {
  if (typeof resample === 'number') {
    const hit = (Object.keys(RESAMPLE_CODES) as ResampleName[]).find((name) => RESAMPLE_CODES[name] === resample);
    if (hit) return hit;
  } else if (typeof resample === 'string') {
    const lower = resample.toLowerCase();
    if (Object.prototype.hasOwnProperty.call(RESAMPLE_CODES, lower)) return lower as ResampleName;
  }
  throw new ImageError(
    'invalid_input',
    `unknown resampling filter ${formatValue(resample)}: use one of nearest (0), lanczos (1), bilinear (2), bicubic (3), box (4), hamming (5)`,
  );
}

export interface Filter {
  readonly fn: (x: number) => number;
  /** Radius in source pixels at scale 1. */
  readonly support: number;
}

// C's 0.54f / 0.46f literals are float32, promoted to double in the expression.
const HAMMING_A = Math.fround(0.54);
const HAMMING_B = Math.fround(0.46);
const BICUBIC_A = -0.5;

function box(x: number): number {
  return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
}

function bilinear(x: number): number {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}

function hamming(x: number): number {
  if (x < 0.0) x = -x;
  if (x === 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x = x * Math.PI;
  return (Math.sin(x) / x) * (HAMMING_A + HAMMING_B * Math.cos(x));
}

function bicubic(x: number): number {
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((BICUBIC_A + 2.0) * x - (BICUBIC_A + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * BICUBIC_A;
  return 0.0;
}

function sinc(x: number): number {
  if (x === 0.0) return 1.0;
  x = x * Math.PI;
  return Math.sin(x) / x;
}

function lanczos(x: number): number {
  return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
}

export const FILTERS: Readonly<Record<Exclude<ResampleName, 'nearest'>, Filter>> = Object.freeze({
  box: { fn: box, support: 0.5 },
  bilinear: { fn: bilinear, support: 1.0 },
  hamming: { fn: hamming, support: 1.0 },
  bicubic: { fn: bicubic, support: 2.0 },
  lanczos: { fn: lanczos, support: 3.0 },
});
