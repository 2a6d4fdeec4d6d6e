import { renameKeys, type WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../base-model-prefix.js';

/**
 * Checkpoint naming for BEiT, the one place that knows it: the module tree of modeling_beit.py,
 * backbone under `beit.` in the task models; per-layer bias tables at
 * `encoder.layer.N.attention.attention.relative_position_bias.relative_position_bias_table`, the
 * shared one at `encoder.relative_position_bias.relative_position_bias_table`; LayerScale as
 * `encoder.layer.N.lambda_1` / `lambda_2`; the mean-pooling LayerNorm at `pooler.layernorm`.
 * Older conversions also stored the integer `relative_position_index` buffers: transformers ignores
 * them (`_keys_to_ignore_on_load_unexpected`) and rebuilds the index, and so do we.
 */
/** The backbone's module name in the task models (transformers' base_model_prefix). */
export const BEIT_BACKBONE = 'beit';
export const BEIT_PREFIX = `${BEIT_BACKBONE}.`;

export const BEIT_HEAD = ['classifier'] as const;

/** Adapts `weights` to BeitModel (`head` empty) or to BeitForImageClassification (`BEIT_HEAD`). */
export function adaptBeitCheckpoint(weights: WeightMap, head: readonly string[] = []): WeightMap {
  const withoutIndex = renameKeys(weights, (k) => (k.includes('relative_position_index') ? null : k));
  return adaptBaseModelPrefix(withoutIndex, BEIT_PREFIX, head);
}
