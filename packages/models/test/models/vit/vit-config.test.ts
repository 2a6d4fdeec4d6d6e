import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ViTConfig } from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

describe('ViTConfig', () => {
  it("takes transformers' default for every missing field", () => {
    const c = ViTConfig.fromDict({});
    expect(c).toMatchObject({
      modelType: 'vit',
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      hiddenAct: 'gelu',
      hiddenDropoutProb: 0,
      attentionProbsDropoutProb: 0,
      initializerRange: 0.02,
      layerNormEps: 1e-12,
      imageSize: 224,
      patchSize: 16,
      numChannels: 3,
      qkvBias: true,
      encoderStride: 16,
      poolerOutputSize: 768,
      poolerAct: 'tanh',
      problemType: null,
      architectures: null,
      outputHiddenStates: false,
      outputAttentions: false,
      returnDict: true,
    });
    expect(c.numLabels).toBe(2);
    expect(c.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1' });
    expect(c.label2id).toEqual({ LABEL_0: 0, LABEL_1: 1 });
    expect(c.numPatches).toBe(196);
    expect(c.headDim).toBe(64);
  });

  it('reads a hub config.json and keeps the fields it does not know', async () => {
    const json = JSON.parse(await readFile(`${ROOT}models/fashion-vit-tiny/config.json`, 'utf8'));
    const c = ViTConfig.fromDict({ ...json, some_future_field: { a: [1, 2] } });
    expect(c).toMatchObject({ hiddenSize: 96, numHiddenLayers: 6, numAttentionHeads: 3, intermediateSize: 192, imageSize: 28, patchSize: 4, encoderStride: 4, layerNormEps: 1e-6 });
    expect(c.poolerOutputSize).toBe(96); // absent → hidden_size
    expect(c.numLabels).toBe(10);
    expect(c.id2label[9]).toBe('Ankle boot');
    expect(c.label2id?.['T-shirt/top']).toBe(0);
    expect(c.architectures).toEqual(['ViTForImageClassification']);
    expect(c.extra).toEqual({ some_future_field: { a: [1, 2] } });
    expect(c.toDict()).toMatchObject({ hidden_size: 96, some_future_field: { a: [1, 2] }, model_type: 'vit' });
  });

  it('derives labels from num_labels and pooler_output_size when given', () => {
    const c = ViTConfig.fromDict({ num_labels: 3, pooler_output_size: 5, pooler_act: 'relu', image_size: [32, 48], patch_size: 8 });
    expect(c.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    expect(c.poolerOutputSize).toBe(5);
    expect(c.imageSize2).toEqual([32, 48]);
    expect(c.numPatches).toBe(24);
    c.numLabels = 4;
    expect(c.labelOf(3)).toBe('LABEL_3');
  });

  it('rejects bad fields with errors naming them', () => {
    expect(() => ViTConfig.fromDict({ hidden_size: '768' })).toThrow(/hidden_size must be a number/);
    expect(() => ViTConfig.fromDict({ problem_type: 'ranking' })).toThrow(/problem_type was not understood.*ranking/);
    expect(() => ViTConfig.fromDict({ hidden_size: 100, num_attention_heads: 12 })).toThrow(/100 is not a multiple of the number of attention heads 12/);
    expect(() => ViTConfig.fromDict({ model_type: 'deit' })).toThrow(/model_type "deit"/);
    expect(() => ViTConfig.fromDict({ image_size: [1, 2, 3] })).toThrow(/image_size/);
    expect(() => ViTConfig.fromDict({ id2label: ['a', 'b'] })).toThrow(/id2label/);
  });
});
