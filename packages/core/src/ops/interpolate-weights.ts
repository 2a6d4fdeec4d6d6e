import { checkLength, checkShape4, type Sized } from './check.js';
import type { InterpolateOptions } from './interpolate.js';

/**
 * Per-axis source taps of torch's F.interpolate (aten/src/ATen/native/UpSample.h and
 * cpu/UpSampleKernel.cpp): for every output index, the first input index and the weights of
 * consecutive input indices starting there. Separable, so a 2-D resize is one pass per axis.
 */
export interface AxisTaps {
  /** Taps per output index (the same for all; unused trailing weights are 0). */
  taps: number;
  /** [out]: first input index of each output index. */
  start: Int32Array;
  /** [out, taps]: weights (float64: torch computes them in the input dtype, the goldens in float64). */
  weights: Float64Array;
  /** [out, taps]: input index of every tap (clamped at the borders, so taps may repeat an index). */
  index: Int32Array;
}

const cubicNear = (x: number, a: number): number => ((a + 2) * x - (a + 3)) * x * x + 1; // |x| <= 1
const cubicFar = (x: number, a: number): number => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; // 1 < |x| < 2

/** torch's area_pixel_compute_scale. */
function pixelScale(inSize: number, outSize: number, alignCorners: boolean, scaleFactor: number | undefined): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scaleFactor !== undefined && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize;
}

/** The float32 arithmetic of torch's legacy 'nearest' (floorf(dst * (float)in/out)); it decides ties. */
function nearestTaps(inSize: number, outSize: number, scaleFactor: number | undefined): AxisTaps {
  const start = new Int32Array(outSize);
  const scale = Math.fround(scaleFactor !== undefined && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) start[i] = i;
    else if (outSize === 2 * inSize) start[i] = i >> 1;
    else start[i] = Math.min(Math.floor(Math.fround(i * scale)), inSize - 1);
  }
  return { taps: 1, start, weights: new Float64Array(outSize).fill(1), index: start.slice() };
}

function antialiasTaps(inSize: number, outSize: number, scale: number, cubic: boolean): AxisTaps {
  const interp = cubic ? 4 : 2;
  const support = scale >= 1 ? interp * 0.5 * scale : interp * 0.5;
  const taps = Math.ceil(support) * 2 + 1;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const filter = cubic
    ? (x: number): number => {
        x = Math.abs(x);
        return x < 1 ? cubicNear(x, -0.5) : x < 2 ? cubicFar(x, -0.5) : 0;
      }
    : (x: number): number => Math.max(0, 1 - Math.abs(x));
  const start = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const index = new Int32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.max(0, Math.min(Math.min(Math.trunc(center + support + 0.5), inSize) - xmin, taps));
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const w = filter((j + xmin - center + 0.5) * invScale);
      weights[i * taps + j] = w;
      total += w;
    }
    for (let j = 0; j < taps; j++) {
      if (total !== 0 && j < xsize) weights[i * taps + j] /= total;
      index[i * taps + j] = Math.min(xmin + j, inSize - 1);
    }
    start[i] = xmin;
  }
  return { taps, start, weights, index };
}

function interpolatingTaps(inSize: number, outSize: number, scale: number, alignCorners: boolean, cubic: boolean): AxisTaps {
  const taps = cubic ? 4 : 2;
  const start = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const index = new Int32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    let src = alignCorners ? scale * i : scale * (i + 0.5) - 0.5;
    if (!alignCorners && !cubic && src < 0) src = 0;
    // guard_index_and_lambda
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const t = Math.min(Math.max(src - i0, 0), 1);
    if (cubic) {
      const w = [cubicFar(t + 1, -0.75), cubicNear(t, -0.75), cubicNear(1 - t, -0.75), cubicFar(2 - t, -0.75)];
      for (let j = 0; j < 4; j++) {
        weights[i * 4 + j] = w[j];
        index[i * 4 + j] = Math.max(0, Math.min(i0 - 1 + j, inSize - 1));
      }
      start[i] = index[i * 4];
    } else {
      weights[i * 2] = 1 - t;
      weights[i * 2 + 1] = t;
      index[i * 2] = i0;
      index[i * 2 + 1] = i0 < inSize - 1 ? i0 + 1 : i0;
      start[i] = i0;
    }
  }
  return { taps, start, weights, index };
}

function identityTaps(size: number): AxisTaps {
  const start = Int32Array.from({ length: size }, (_, i) => i);
  return { taps: 1, start, weights: new Float64Array(size).fill(1), index: start.slice() };
}

/** Taps of one axis. `scaleFactor` is torch's `scale_factor` (used as 1/scale when given). */
export function axisTaps(inSize: number, outSize: number, options: InterpolateOptions, scaleFactor?: number): AxisTaps {
  const mode = options.mode;
  const alignCorners = options.alignCorners ?? false;
  if (mode === 'nearest') return nearestTaps(inSize, outSize, scaleFactor);
  const cubic = mode === 'bicubic';
  // torch copies an axis whose size does not change in bilinear mode and in antialiased mode
  // (bicubic lands exactly on the samples by itself unless a scale factor says otherwise).
  if (outSize === inSize && (options.antialias || !cubic)) return identityTaps(outSize);
  const scale = pixelScale(inSize, outSize, alignCorners, scaleFactor);
  if (options.antialias) return antialiasTaps(inSize, outSize, scale, cubic);
  return interpolatingTaps(inSize, outSize, scale, alignCorners, cubic);
}

/** Validates the mode combination as torch does. */
export function checkInterpolateOptions(options: InterpolateOptions): void {
  const { mode } = options;
  if (mode !== 'nearest' && mode !== 'bilinear' && mode !== 'bicubic') {
    throw new RangeError(`interpolate: unknown mode "${String(mode)}"; supported: nearest, bilinear, bicubic`);
  }
  if (mode === 'nearest' && options.alignCorners) {
    throw new RangeError('interpolate: alignCorners can only be set with the interpolating modes bilinear and bicubic');
  }
  if (mode === 'nearest' && options.antialias) {
    throw new RangeError('interpolate: antialias is only supported for the bilinear and bicubic modes');
  }
}

/** Validates an `interpolate` call (shapes, options, output size, buffers); returns the input's [n, c, h, w]. */
export function checkInterpolateCall(
  x: Sized,
  xShape: readonly number[],
  outH: number,
  outW: number,
  options: InterpolateOptions,
  out: Sized,
): [number, number, number, number] {
  const [n, c, h, w] = checkShape4('interpolate', 'input shape', xShape);
  checkInterpolateOptions(options);
  if (!(Number.isSafeInteger(outH) && Number.isSafeInteger(outW) && outH > 0 && outW > 0)) {
    throw new RangeError(`interpolate: output size ${outH}x${outW} must be positive`);
  }
  checkLength('interpolate', 'x', x, n * c * h * w);
  checkLength('interpolate', 'out', out, n * c * outH * outW);
  return [n, c, h, w];
}
