import { crossEntropyTarget } from './losses.js';

/** Mean cross entropy over rows with integer class targets; targets equal to `ignoreIndex` (-100) are skipped. */
export function crossEntropyReference(
  logits: Float32Array, // [rows, classes]
  rows: number,
  classes: number,
  targets: ArrayLike<number | bigint>, // [rows]
  ignoreIndex = -100,
): number {
  let total = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const t = crossEntropyTarget(targets, r, classes, ignoreIndex);
    if (t < 0) continue;
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[r * classes + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits[r * classes + j] - max);
    total += Math.log(sum) + max - logits[r * classes + t];
    count++;
  }
  return total / count;
}

/** Mean squared error. */
export function mseLossReference(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** Mean binary cross entropy on logits, in the stable form max(x, 0) - x*t + log(1 + exp(-|x|)). */
export function bceWithLogitsReference(logits: Float32Array, targets: Float32Array): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i];
    s += Math.max(x, 0) - x * targets[i] + Math.log1p(Math.exp(-Math.abs(x)));
  }
  return s / logits.length;
}
