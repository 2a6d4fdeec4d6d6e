import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import { loadWeights, renameKeys, stripPrefix, type WeightMap } from '@purevit/weights';
import { localRepo } from '@purevit/weights/platform';
import { ViTConfig, ViTForImageClassification, ViTForMaskedImageModeling, ViTModel } from '@purevit/models';
import { readFile } from 'node:fs/promises';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const CLASSIFIER = `${ROOT}golden/vit_classifier/model`;

async function weightsOf(dir: string): Promise<WeightMap> {
  return loadWeights(localRepo(dir));
}

async function configOf(dir: string, patch: Record<string, unknown> = {}): Promise<ViTConfig> {
  return ViTConfig.fromDict({ ...JSON.parse(await readFile(`${dir}/config.json`, 'utf8')), ...patch });
}

function input(config: ViTConfig, batch = 2): Tensor {
  const [h, w] = config.imageSize2;
  const t = Tensor.zeros([batch, config.numChannels, h, w]);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sin(i * 0.37) * 1.5;
  return t;
}

describe('ViT checkpoint loading', () => {
  it('loads a task checkpoint ("vit." prefix) into ViTModel, reporting the head keys and the absent pooler', async () => {
    const model = await ViTModel.fromPretrained(CLASSIFIER);
    expect(model.pooler).toBeNull();
    expect(model.loadReport.unexpectedKeys.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(model.loadReport.missingKeys).toEqual(['pooler.dense.weight', 'pooler.dense.bias']);
    const head = await ViTForImageClassification.fromPretrained(CLASSIFIER);
    const x = input(model.config);
    const out = await model.forward({ pixelValues: x });
    expect(out.poolerOutput).toBeNull();
    expect(out.lastHiddenState.data).toEqual((await head.forwardFeatures(x)).data);
  });

  it('loads a DINO-style ViTModel checkpoint (bare keys, no pooler) without a pooler', async () => {
    const dir = `${ROOT}golden/vit_model_basic/model`;
    const config = await configOf(dir);
    const weights = await weightsOf(dir);
    for (const key of [...weights.keys()]) if (key.startsWith('pooler.')) weights.delete(key);
    const dino = await ViTModel.fromWeights(config, weights);
    expect(dino.loadReport).toEqual({ missingKeys: ['pooler.dense.weight', 'pooler.dense.bias'], unexpectedKeys: [] });
    const full = await ViTModel.fromPretrained(dir);
    expect(full.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const x = input(config, 1);
    const a = await dino.forward({ pixelValues: x });
    expect(a.poolerOutput).toBeNull();
    expect(a.lastHiddenState.data).toEqual((await full.forward({ pixelValues: x })).lastHiddenState.data);
  });

  it('refuses a pooler the checkpoint lacks when one is asked for', async () => {
    await expect(ViTModel.fromPretrained(CLASSIFIER, { addPoolingLayer: true })).rejects.toThrow(
      /loading ViTModel from .*vit_classifier\/model: missing tensor pooler\.dense\.weight/,
    );
  });

  it('loads a bare ViTModel checkpoint (DINO-style, no "vit." prefix) into a task model', async () => {
    const config = await configOf(CLASSIFIER);
    const prefixed = await ViTForImageClassification.fromWeights(config, await weightsOf(CLASSIFIER));
    const bare = await ViTForImageClassification.fromWeights(config, stripPrefix(await weightsOf(CLASSIFIER), 'vit.'));
    expect(bare.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const x = input(config);
    expect((await bare.forward({ pixelValues: x })).logits.data).toEqual((await prefixed.forward({ pixelValues: x })).logits.data);
  });

  it('accepts legacy LayerNorm names (gamma / beta) and reports unknown keys', async () => {
    const config = await configOf(CLASSIFIER);
    const weights = renameKeys(await weightsOf(CLASSIFIER), (k) => k.replace(/layernorm\.weight$/, 'layernorm.gamma').replace(/layernorm\.bias$/, 'layernorm.beta'));
    expect([...weights.keys()]).toContain('vit.layernorm.gamma');
    const extra = new Map(weights);
    extra.set('vit.embeddings.distillation_token', weights.get('vit.embeddings.cls_token')!);
    const legacy = await ViTForImageClassification.fromWeights(config, extra);
    expect(legacy.loadReport.unexpectedKeys).toEqual(['vit.embeddings.distillation_token']);
    const reference = await ViTForImageClassification.fromPretrained(CLASSIFIER);
    const x = input(config);
    expect((await legacy.forward({ pixelValues: x })).logits.data).toEqual((await reference.forward({ pixelValues: x })).logits.data);
  });

  it('refuses a shape mismatch naming the tensor, and a missing tensor naming its key', async () => {
    const config = await configOf(CLASSIFIER, { intermediate_size: 48 });
    await expect(ViTForImageClassification.fromWeights(config, await weightsOf(CLASSIFIER))).rejects.toThrow(
      /shape mismatch for vit\.encoder\.layer\.0\.intermediate\.dense\.weight: expected \[48,\d+\] got \[\d+,\d+\]/,
    );
    const weights = await weightsOf(CLASSIFIER);
    weights.delete('vit.encoder.layer.1.attention.attention.key.bias');
    await expect(ViTForImageClassification.fromWeights(await configOf(CLASSIFIER), weights)).rejects.toThrow(
      /missing tensor vit\.encoder\.layer\.1\.attention\.attention\.key\.bias/,
    );
    const mim = `${ROOT}golden/vit_mim/model`;
    await expect(ViTForMaskedImageModeling.fromWeights(await configOf(mim, { encoder_stride: 4 }), await weightsOf(mim))).rejects.toThrow(
      /shape mismatch for decoder\.0\.weight: expected \[48,32,1,1\] got \[192,32,1,1\]/,
    );
  });

  it('loads bf16 shards (converted exactly to float32)', async () => {
    const model = await ViTForImageClassification.fromPretrained(`${ROOT}golden/vit_bf16_sharded/model`);
    expect(model.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });
});
