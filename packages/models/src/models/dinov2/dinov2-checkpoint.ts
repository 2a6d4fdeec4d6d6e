import type { WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../base-model-prefix.js';

/**
 * Checkpoint naming for DINOv2 and DINOv2-with-registers, the one place that knows it: the module
 * tree of modeling_dinov2(_with_registers).py; in the classifiers the backbone sits under `dinov2.`, resp.
 * `dinov2_with_registers.` (each class's base_model_prefix). facebook/dinov2-* hub repos hold bare
 * Dinov2Model checkpoints: `embeddings.mask_token` [1, hidden], `encoder.layer.N.layer_scale1.lambda1`,
 * `mlp.fc1` or SwiGLU `mlp.weights_in` / `mlp.weights_out`; with registers `embeddings.register_tokens`.
 */

/** The backbone's module name in Dinov2ForImageClassification (transformers' base_model_prefix). */
export const DINOV2_BACKBONE = 'dinov2';
/** The backbone's module name in Dinov2WithRegistersForImageClassification. */
export const DINOV2_WITH_REGISTERS_BACKBONE = 'dinov2_with_registers';

export const DINOV2_HEAD = ['classifier'] as const;

/** Adapts `weights` to a DINOv2 model: the bare model (`head` empty) or a classifier (`DINOV2_HEAD`) whose backbone is `backbone`. */
export function adaptDinov2Checkpoint(weights: WeightMap, backbone: string = DINOV2_BACKBONE, head: readonly string[] = []): WeightMap {
  return adaptBaseModelPrefix(weights, `${backbone}.`, head);
}
