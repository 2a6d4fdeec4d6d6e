import { describe, expect, it } from 'vitest';
import type { WeightMap } from '@purevit/weights';
import { adaptBaseModelPrefix } from '../../src/models/base-model-prefix.js';
import { adaptBeitCheckpoint, BEIT_HEAD } from '../../src/models/beit/beit-checkpoint.js';
import { adaptDeiTCheckpoint, DEIT_HEADS } from '../../src/models/deit/deit-checkpoint.js';
import { adaptDinov2Checkpoint, DINOV2_BACKBONE, DINOV2_HEAD, DINOV2_WITH_REGISTERS_BACKBONE } from '../../src/models/dinov2/dinov2-checkpoint.js';
import { adaptViTMAECheckpoint, VIT_MAE_DECODER } from '../../src/models/vit-mae/vit-mae-checkpoint.js';

function weights(keys: readonly string[]): WeightMap {
  return new Map(keys.map((k) => [k, { dtype: 'F32', shape: [1], load: () => Promise.resolve(new Float32Array(1)) }]));
}
const keysOf = (map: WeightMap): string[] => [...map.keys()].sort();

describe('checkpoint naming of the ViT relatives (base_model_prefix as transformers loads it)', () => {
  it('a task checkpoint loads into the bare model with the prefix stripped; the head keys stay (reported unexpected)', () => {
    const distilled = weights(['deit.embeddings.distillation_token', 'cls_classifier.weight', 'distillation_classifier.bias']);
    expect(keysOf(adaptDeiTCheckpoint(distilled))).toEqual(['cls_classifier.weight', 'distillation_classifier.bias', 'embeddings.distillation_token']);
    const mae = weights(['vit.embeddings.position_embeddings', 'decoder.decoder_pos_embed']);
    expect(keysOf(adaptViTMAECheckpoint(mae))).toEqual(['decoder.decoder_pos_embed', 'embeddings.position_embeddings']);
  });

  it('a bare checkpoint loads into a task model: every non-head key gets the prefix', () => {
    const bare = weights(['embeddings.mask_token', 'encoder.layer.0.layer_scale1.lambda1', 'classifier.weight']);
    expect(keysOf(adaptDinov2Checkpoint(bare, DINOV2_BACKBONE, DINOV2_HEAD))).toEqual(['classifier.weight', 'dinov2.embeddings.mask_token', 'dinov2.encoder.layer.0.layer_scale1.lambda1']);
    // With registers the classifier's backbone is `dinov2_with_registers` (its own base_model_prefix).
    expect(keysOf(adaptDinov2Checkpoint(weights(['embeddings.register_tokens']), DINOV2_WITH_REGISTERS_BACKBONE, DINOV2_HEAD))).toEqual(['dinov2_with_registers.embeddings.register_tokens']);
    expect(keysOf(adaptDeiTCheckpoint(weights(['embeddings.cls_token']), DEIT_HEADS.withTeacher))).toEqual(['deit.embeddings.cls_token']);
    expect(keysOf(adaptViTMAECheckpoint(weights(['embeddings.cls_token']), VIT_MAE_DECODER))).toEqual(['vit.embeddings.cls_token']);
    // Already prefixed: unchanged; a head module is matched by whole name only.
    const task = weights(['beit.pooler.layernorm.weight', 'classifier.bias']);
    expect(adaptBeitCheckpoint(task, BEIT_HEAD)).toEqual(task);
    expect(keysOf(adaptBaseModelPrefix(weights(['classifier_extra.w']), 'x.', ['classifier']))).toEqual(['x.classifier_extra.w']);
  });

  it("BEiT drops the stored relative_position_index buffers, as transformers ignores them", () => {
    const beit = weights([
      'beit.encoder.layer.0.attention.attention.relative_position_bias.relative_position_bias_table',
      'beit.encoder.layer.0.attention.attention.relative_position_bias.relative_position_index',
      'beit.encoder.relative_position_bias.relative_position_index',
    ]);
    expect(keysOf(adaptBeitCheckpoint(beit))).toEqual(['encoder.layer.0.attention.attention.relative_position_bias.relative_position_bias_table']);
  });
});
