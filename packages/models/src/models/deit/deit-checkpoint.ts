import type { WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../base-model-prefix.js';

/**
 * Checkpoint naming for the DeiT family, the one place that knows it: transformers' module tree
 * with the backbone under `deit.` in the task models (facebook/deit-*-distilled-* hub repos hold
 * DeiTForImageClassificationWithTeacher checkpoints: `deit.…`, `cls_classifier.*`,
 * `distillation_classifier.*`). Non-distilled DeiT hub repos are model_type "vit" (ViT family).
 */
/** The backbone's module name in the task models (transformers' base_model_prefix). */
export const DEIT_BACKBONE = 'deit';
export const DEIT_PREFIX = `${DEIT_BACKBONE}.`;

/** Head modules of each DeiT task model. */
export const DEIT_HEADS = {
  classification: ['classifier'],
  withTeacher: ['cls_classifier', 'distillation_classifier'],
} as const;

/** Adapts `weights` to DeiTModel (`head` empty) or to a task model with head modules `head`. */
export function adaptDeiTCheckpoint(weights: WeightMap, head: readonly string[] = []): WeightMap {
  return adaptBaseModelPrefix(weights, DEIT_PREFIX, head);
}
