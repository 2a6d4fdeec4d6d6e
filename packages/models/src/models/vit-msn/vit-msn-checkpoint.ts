import type { WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../base-model-prefix.js';

/**
 * Checkpoint naming for ViTMSN, the one place that knows it: ViT's module tree (no pooler), backbone
 * under `vit.` in ViTMSNForImageClassification.
 */
/** The backbone's module name in the task models (transformers' base_model_prefix). */
export const VIT_MSN_BACKBONE = 'vit';
export const VIT_MSN_PREFIX = `${VIT_MSN_BACKBONE}.`;

export const VIT_MSN_HEAD = ['classifier'] as const;

/** Adapts `weights` to ViTMSNModel (`head` empty) or ViTMSNForImageClassification (`VIT_MSN_HEAD`). */
export function adaptViTMSNCheckpoint(weights: WeightMap, head: readonly string[] = []): WeightMap {
  return adaptBaseModelPrefix(weights, VIT_MSN_PREFIX, head);
}
