import { checkLength } from '../ops/check.js';

/**
 * Mean cross entropy of logits [rows, classes] against integer targets [rows] (int64 targets may come as a
 * BigInt64Array); rows whose target is `ignoreIndex` (torch's default -100) are left out of the mean.
 * Per row: logsumexp(logits) - logits[target], in float64.
 */
export function crossEntropy(logits: Float32Array, rows: number, classes: number, targets: ArrayLike<number | bigint>, ignoreIndex = -100): number {
  checkLength('crossEntropy', 'logits', logits, rows * classes);
  checkLength('crossEntropy', 'targets', targets, rows);
  let total = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const t = crossEntropyTarget(targets, r, classes, ignoreIndex);
    if (t < 0) continue;
    const o = r * classes;
    let max = -Infinity;
    for (let j = o; j < o + classes; j++) if (!(logits[j] <= max)) max = logits[j];
    let sum = 0;
    for (let j = o; j < o + classes; j++) sum += Math.exp(logits[j] - max);
    total += Math.log(sum) + max - logits[o + t];
    count++;
  }
  return total / count; // NaN when every row is ignored, as torch
}

/**
 * Row r's target class of a crossEntropy call, or -1 when it is `ignoreIndex`; throws when it is no class.
 * Shared by the reference and the fast kernel.
 */
export function crossEntropyTarget(targets: ArrayLike<number | bigint>, r: number, classes: number, ignoreIndex: number): number {
  const t = Number(targets[r]);
  if (t === ignoreIndex) return -1;
  if (!Number.isInteger(t) || t < 0 || t >= classes) throw new RangeError(`crossEntropy: target ${t} of row ${r} is outside 0..${classes - 1}`);
  return t;
}

/** Mean squared error of two equally long arrays. */
export function mseLoss(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`mseLoss: lengths differ (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s / a.length;
}

/** Mean binary cross entropy with logits, in the stable form max(x, 0) - x·t + log1p(exp(-|x|)). */
export function bceWithLogits(logits: Float32Array, targets: Float32Array): number {
  if (logits.length !== targets.length) throw new RangeError(`bceWithLogits: lengths differ (${logits.length} vs ${targets.length})`);
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i];
    s += (x > 0 ? x : 0) - x * targets[i] + Math.log1p(Math.exp(-Math.abs(x)));
  }
  return s / logits.length;
}

/**
 * SimMIM's masked reconstruction loss (transformers' ViTForMaskedImageModeling): the mean absolute error over
 * masked pixels, sum(|pixels − reconstruction| · mask) / (sum(mask) + 1e-5) / channels, where the patch mask
 * [batch, gh·gw] is upsampled to pixels with ONE channel axis (sum(mask) counts masked pixels, not
 * pixel-channels). pixels and reconstruction are [batch, channels, gh·ph, gw·pw].
 */
export function maskedPixelL1Loss(
  pixels: Float32Array,
  reconstruction: Float32Array,
  shape: readonly [number, number, number, number],
  patchMask: ArrayLike<number>,
  patch: readonly [number, number],
): number {
  const [batch, channels, height, width] = shape;
  const [ph, pw] = patch;
  const gh = Math.floor(height / ph), gw = Math.floor(width / pw);
  checkLength('maskedPixelL1Loss', 'pixels', pixels, batch * channels * height * width);
  checkLength('maskedPixelL1Loss', 'reconstruction', reconstruction, batch * channels * height * width);
  checkLength('maskedPixelL1Loss', 'patchMask', patchMask, batch * gh * gw);
  let weighted = 0;
  let maskedPixels = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!patchMask[b * gh * gw + Math.floor(y / ph) * gw + Math.floor(x / pw)]) continue;
        maskedPixels++;
        for (let c = 0; c < channels; c++) {
          const i = ((b * channels + c) * height + y) * width + x;
          weighted += Math.abs(pixels[i] - reconstruction[i]);
        }
      }
    }
  }
  return weighted / (maskedPixels + 1e-5) / channels;
}
