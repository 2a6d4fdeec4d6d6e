import { hasKeyPrefix, renameKeys, type WeightMap, type WeightScope } from '@purevit/weights';

/**
 * Checkpoint adaptation for the HF ViT family: the one place that knows how ViT checkpoints are
 * named in the wild. The models read one naming scheme only — transformers' own module tree, with
 * the backbone under `vit.` in the task models (base_model_prefix "vit").
 *
 * Handled here:
 * - a task checkpoint (`vit.embeddings…`, `classifier.*`) loaded into ViTModel: the `vit.` prefix is
 *   stripped; the head's keys stay and are reported as unexpected (transformers does the same);
 * - a bare ViTModel checkpoint (`embeddings…`: DINO, in21k backbones) loaded into a task model: the
 *   backbone keys get the `vit.` prefix;
 * - DeiT (non-distilled, model_type "vit") and DINO checkpoints are plain transformers ViT
 *   checkpoints; DINO and DeiT carry no `pooler.*` (converted with add_pooling_layer=False), see
 *   `hasPooler`;
 * - legacy LayerNorm parameter names `gamma` / `beta` (→ `weight` / `bias`), as transformers renames them.
 */

export const VIT_PREFIX = 'vit.';

/** Adapts `weights` to the naming of ViTModel (`head` empty) or of a task model with head modules `head`. */
export function adaptViTCheckpoint(weights: WeightMap, head: readonly string[] = []): WeightMap {
  let map = renameKeys(weights, renameLegacyLayerNorm);
  const prefixed = hasKeyPrefix(map, VIT_PREFIX);
  if (head.length === 0) {
    if (prefixed) map = renameKeys(map, (k) => (k.startsWith(VIT_PREFIX) ? k.slice(VIT_PREFIX.length) : k));
  } else if (!prefixed) {
    map = renameKeys(map, (k) => (head.some((m) => k === m || k.startsWith(`${m}.`)) ? k : VIT_PREFIX + k));
  }
  return map;
}

/** True when the checkpoint under a ViTModel scope holds the pooler (DINO / DeiT conversions do not). */
export function hasPooler(scope: WeightScope): boolean {
  return scope.pp('pooler').pp('dense').has('weight');
}

/** Keys the pooler would read, relative to the ViTModel scope. */
export const POOLER_KEYS = ['pooler.dense.weight', 'pooler.dense.bias'];

function renameLegacyLayerNorm(key: string): string {
  if (key.endsWith('.gamma')) return `${key.slice(0, -'.gamma'.length)}.weight`;
  if (key.endsWith('.beta')) return `${key.slice(0, -'.beta'.length)}.bias`;
  return key;
}
