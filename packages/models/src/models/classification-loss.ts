import { Tensor, bceWithLogits, crossEntropy, formatShape, mseLoss } from '@purevit/core';
import type { PretrainedConfig, ProblemType } from '../configs/pretrained-config.js';
import { scalar } from './tensor-utils.js';

/**
 * Classification labels. Integer labels (class indices, [batch]) are Int32Array, BigInt64Array or a
 * number[] of integers — torch's int64 labels. Float targets (regression values, multi-label 0/1
 * targets) are a Tensor shaped like the logits (or [batch] for one label).
 */
export type Labels = Tensor | Int32Array | BigInt64Array | readonly number[];

/**
 * transformers' problem_type inference: the config's problem_type when set, otherwise regression for
 * one label, single-label classification for integer labels, multi-label classification else.
 * (transformers also writes the inferred type back into the config; we leave the config unchanged.)
 */
export function inferProblemType(config: PretrainedConfig, labels: Labels): ProblemType {
  if (config.problemType) return config.problemType;
  if (config.numLabels === 1) return 'regression';
  return labels instanceof Tensor ? 'multi_label_classification' : 'single_label_classification';
}

/** The loss transformers' *ForImageClassification computes for `logits` [batch, numLabels]. */
export function classificationLoss(config: PretrainedConfig, logits: Tensor, labels: Labels): Tensor {
  const [batch, numLabels] = logits.shape;
  const problemType = inferProblemType(config, labels);
  switch (problemType) {
    case 'regression': {
      const targets = floatLabels(labels);
      if (targets.length !== logits.size) {
        throw new RangeError(`regression labels have ${targets.length} values, logits ${formatShape(logits.shape)} have ${logits.size}`);
      }
      return scalar(mseLoss(logits.data, targets));
    }
    case 'single_label_classification': {
      if (labels instanceof Tensor) {
        throw new TypeError('single_label_classification needs integer class indices (Int32Array, BigInt64Array or number[]), got a float Tensor');
      }
      if (labels.length !== batch) throw new RangeError(`labels have ${labels.length} entries for a batch of ${batch}`);
      for (const l of labels) {
        if (typeof l === 'number' && !Number.isInteger(l)) throw new TypeError(`class labels must be integers, got ${l}`);
      }
      return scalar(crossEntropy(logits.data, batch, numLabels, labels));
    }
    case 'multi_label_classification': {
      const targets = floatLabels(labels);
      if (targets.length !== logits.size) {
        throw new RangeError(`multi-label targets have ${targets.length} values, logits ${formatShape(logits.shape)} have ${logits.size}`);
      }
      return scalar(bceWithLogits(logits.data, targets));
    }
  }
}

function floatLabels(labels: Labels): Float32Array {
  if (labels instanceof Tensor) return labels.data;
  return Float32Array.from(labels as ArrayLike<number | bigint>, (v) => Number(v));
}
