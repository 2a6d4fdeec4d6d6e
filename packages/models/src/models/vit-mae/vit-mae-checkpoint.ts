import type { WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../base-model-prefix.js';

/**
 * Checkpoint naming for ViTMAE, the one place that knows it: the module tree of modeling_vit_mae.py,
 * encoder under `vit.` in ViTMAEForPreTraining (facebook/vit-mae-* hub repos: `vit.…` and
 * `decoder.…`, with the fixed sin-cos tables stored as `vit.embeddings.position_embeddings` and
 * `decoder.decoder_pos_embed`: they are read from the checkpoint, never regenerated).
 */
/** The backbone's module name in the task models (transformers' base_model_prefix). */
export const VIT_MAE_BACKBONE = 'vit';
export const VIT_MAE_PREFIX = `${VIT_MAE_BACKBONE}.`;

export const VIT_MAE_DECODER = ['decoder'] as const;

/** Adapts `weights` to ViTMAEModel (`head` empty) or ViTMAEForPreTraining (`VIT_MAE_DECODER`). */
export function adaptViTMAECheckpoint(weights: WeightMap, head: readonly string[] = []): WeightMap {
  return adaptBaseModelPrefix(weights, VIT_MAE_PREFIX, head);
}
