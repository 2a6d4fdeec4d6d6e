import type { WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../base-model-prefix.js';

/**
 * Checkpoint naming for DINOv2 and DINOv2-with-registers, the one place that knows it: the module
 * tree of modeling_dinov2(_with_registers).py, backbone under `dinov2.` in the classifiers
 * (facebook/dinov2-* hub repos hold bare Dinov2Model checkpoints: `embeddings.mask_token` [1, hidden],
 * `encoder.layer.N.layer_scale1.lambda1`, `mlp.fc1` or SwiGLU `mlp.weights_in` / `mlp.weights_out`).
 */
/** The backbone's module name in the task models (transformers' base_model_prefix). */
export const DINOV2_BACKBONE = 'dinov2';
export const DINOV2_PREFIX = `${DINOV2_BACKBONE}.`;

export const DINOV2_HEAD = ['classifier'] as const;

/** Adapts `weights` to Dinov2(WithRegisters)Model (`head` empty) or to the classifier (`DINOV2_HEAD`). */
export function adaptDinov2Checkpoint(weights: WeightMap, head: readonly string[] = []): WeightMap {
  return adaptBaseModelPrefix(weights, DINOV2_PREFIX, head);
}
