import type { WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../base-model-prefix.js';

/**
 * Checkpoint naming for ViTMAE, the one place that knows it: the module tree of modeling_vit_mae.py,
 * encoder under `vit.` in ViTMAEForPreTraining (facebook/vit-mae-* hub repos: `vit.…` and
 * `decoder.…`, with the fixed sin-cos tables stored as `vit.embeddings.position_embeddings` and
 * `decoder.decoder_pos_embed`: they are read from the checkpoint, never regenerated).
 */
export const VIT_MAE_PREFIX = 'vit.';

export const VIT_MAE_DECODER = ['decoder'] as const;

/** Adapts `weights` to ViTMAEModel (`head` empty) or ViTMAEForPreTraining (`VIT_MAE_DECODER`). */
export function adaptViTMAECheckpoint(weights: WeightMap, head: readonly string[] = []): WeightMap {
  return adaptBaseModelPrefix(weights, VIT_MAE_PREFIX, head);
}
