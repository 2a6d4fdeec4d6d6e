import { bceWithLogitsReference, crossEntropyReference, mseLossReference } from '../reference/losses.js';
import { checkLength } from './check.js';

/** Mean cross entropy of logits [rows, classes] against integer targets [rows] (torch's ignore_index -100 skipped). */
export function crossEntropy(logits: Float32Array, rows: number, classes: number, targets: ArrayLike<number | bigint>, ignoreIndex = -100): number {
  checkLength('crossEntropy', 'logits', logits, rows * classes);
  checkLength('crossEntropy', 'targets', targets, rows);
  return crossEntropyReference(logits, rows, classes, targets, ignoreIndex);
}

/** Mean squared error of two equally long arrays. */
export function mseLoss(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`mseLoss: lengths differ (${a.length} vs ${b.length})`);
  return mseLossReference(a, b);
}

/** Mean binary cross entropy with logits (stable form). */
export function bceWithLogits(logits: Float32Array, targets: Float32Array): number {
  if (logits.length !== targets.length) throw new RangeError(`bceWithLogits: lengths differ (${logits.length} vs ${targets.length})`);
  return bceWithLogitsReference(logits, targets);
}
