import { renameKeys, type WeightMap } from '@purevit/weights';

/** The module name transformers' TimmWrapper* classes keep the timm model under (base_model_prefix). */
export const TIMM_WRAPPER_PREFIX = 'timm_model.';

export interface TimmCheckpointOptions {
  /** Drop this module's keys (the classifier, `head` / `fc`): TimmWrapperModel builds none and ignores them. */
  dropModule?: string | null;
}

/**
 * Checkpoint adaptation for the timm wrapper: the one place that knows how its checkpoints are named.
 * The models read timm's own module names only (fused `blocks.N.attn.qkv`, `layer1.0.bn1`, …).
 *
 * Handled here:
 * - keys with the `timm_model.` prefix (a TimmWrapper* state_dict saved as is) and without it (timm hub
 *   repos; transformers' save_pretrained also strips it): the prefix is removed where present, as
 *   transformers' loader accepts both;
 * - TimmWrapperModel's classifier keys (`head.*` / `fc.*`), dropped rather than reported as unexpected.
 *
 * Not an adapter step: BatchNorm folding needs the conv each BatchNorm follows, which only the model
 * tree knows; the ResNet layers fold at load (layers/conv2d.ts, `Conv2d.loadWithBatchNorm`).
 */
export function adaptTimmCheckpoint(weights: WeightMap, options: TimmCheckpointOptions = {}): WeightMap {
  const drop = options.dropModule ?? null;
  return renameKeys(weights, (key) => {
    const k = key.startsWith(TIMM_WRAPPER_PREFIX) ? key.slice(TIMM_WRAPPER_PREFIX.length) : key;
    if (drop !== null && (k === drop || k.startsWith(`${drop}.`))) return null;
    return k;
  });
}
