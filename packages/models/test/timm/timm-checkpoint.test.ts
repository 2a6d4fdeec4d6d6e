import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import { addPrefix, loadWeights, stripPrefix, type WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import {
  TIMM_WRAPPER_PREFIX,
  TimmWrapperConfig,
  TimmWrapperForImageClassification,
  TimmWrapperModel,
  adaptTimmCheckpoint,
  type JsonObject,
} from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const golden = (name: string): string => `${ROOT}golden/${name}/model`;

async function checkpoint(dir: string): Promise<{ config: TimmWrapperConfig; weights: WeightMap }> {
  const repo = await openRepo(dir);
  return { config: TimmWrapperConfig.fromDict(await repo.readJson<JsonObject>('config.json')), weights: await loadWeights(repo) };
}

function wave(shape: number[], phase = 0): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sin(i * 0.37 + phase) * 1.2;
  return t;
}

function without(map: WeightMap, ...keys: string[]): WeightMap {
  return new Map([...map].filter(([k]) => !keys.includes(k)));
}

describe('timm checkpoint naming', () => {
  it('strips "timm_model." where present and leaves timm names alone', () => {
    const entry = { dtype: 'F32' as const, shape: [1], load: async () => new Float32Array(1) };
    const map: WeightMap = new Map([
      ['timm_model.blocks.0.norm1.weight', entry],
      ['cls_token', entry],
      ['timm_model.head.weight', entry],
      ['fc_norm.weight', entry],
    ]);
    expect([...adaptTimmCheckpoint(map).keys()]).toEqual(['blocks.0.norm1.weight', 'cls_token', 'head.weight', 'fc_norm.weight']);
    expect([...adaptTimmCheckpoint(map, { dropModule: 'head' }).keys()]).toEqual(['blocks.0.norm1.weight', 'cls_token', 'fc_norm.weight']);
    expect([...adaptTimmCheckpoint(map, { dropModule: 'fc' }).keys()]).toEqual(['blocks.0.norm1.weight', 'cls_token', 'head.weight', 'fc_norm.weight']);
    // The same tensor under both names is an error naming it, not a silent pick.
    expect(() => adaptTimmCheckpoint(new Map([['cls_token', entry], ['timm_model.cls_token', entry]]))).toThrow(/collides/);
  });

  it('loads a checkpoint with the prefix (a TimmWrapper state_dict) and without it to the same numbers', async () => {
    const { config, weights } = await checkpoint(golden('timm_vit_deit3_hf_saved'));
    expect([...weights.keys()].every((k) => k.startsWith(TIMM_WRAPPER_PREFIX))).toBe(true);
    const x = wave([2, 3, 32, 32]);
    const prefixed = await TimmWrapperForImageClassification.fromWeights(config, weights);
    const plain = await TimmWrapperForImageClassification.fromWeights(config, stripPrefix(weights, TIMM_WRAPPER_PREFIX));
    expect(prefixed.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(plain.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect((await plain.forward({ pixelValues: x })).logits.data).toEqual((await prefixed.forward({ pixelValues: x })).logits.data);

    const resnet = await checkpoint(golden('timm_resnet18_small_model'));
    const y = wave([1, 3, 64, 64]);
    const a = await TimmWrapperModel.fromWeights(resnet.config, resnet.weights);
    const b = await TimmWrapperModel.fromWeights(resnet.config, addPrefix(resnet.weights, TIMM_WRAPPER_PREFIX));
    expect((await b.forward({ pixelValues: y })).poolerOutput!.data).toEqual((await a.forward({ pixelValues: y })).poolerOutput!.data);
  });

  it('TimmWrapperModel ignores the classifier (head / fc); every other key is read, BatchNorm counters included', async () => {
    const vit = await checkpoint(golden('timm_vit_small_model'));
    expect(vit.weights.has('head.weight')).toBe(true);
    expect((await TimmWrapperModel.fromWeights(vit.config, vit.weights)).loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const resnet = await checkpoint(golden('timm_resnet50d_small_model'));
    expect(resnet.weights.has('fc.weight')).toBe(true);
    expect(resnet.weights.has('layer2.0.downsample.2.num_batches_tracked')).toBe(true);
    expect((await TimmWrapperModel.fromWeights(resnet.config, resnet.weights)).loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect((await TimmWrapperForImageClassification.fromWeights(resnet.config, resnet.weights)).loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('reports keys the model never reads as unexpected', async () => {
    const { config, weights } = await checkpoint(golden('timm_vit_small_model'));
    const extra = new Map(weights);
    extra.set('timm_model.dist_token', weights.get('cls_token')!);
    extra.set('blocks.9.norm1.weight', weights.get('blocks.0.norm1.weight')!);
    const model = await TimmWrapperModel.fromWeights(config, extra);
    expect(model.loadReport).toEqual({ missingKeys: [], unexpectedKeys: ['dist_token', 'blocks.9.norm1.weight'] });
  });

  it('a missing tensor or a wrong shape is an error naming the timm key', async () => {
    const vit = await checkpoint(golden('timm_vit_layerscale'));
    await expect(TimmWrapperModel.fromWeights(vit.config, without(vit.weights, 'blocks.1.ls2.gamma'))).rejects.toThrow(/missing tensor blocks\.1\.ls2\.gamma/);
    await expect(TimmWrapperModel.fromWeights(vit.config, without(vit.weights, 'blocks.0.attn.qkv.bias'))).rejects.toThrow(/missing tensor blocks\.0\.attn\.qkv\.bias/);
    const reg = await checkpoint(golden('timm_vit_reg4'));
    await expect(TimmWrapperModel.fromWeights(reg.config, without(reg.weights, 'reg_token'))).rejects.toThrow(/missing tensor reg_token/);
    const resnet = await checkpoint(golden('timm_resnet50d_small_model'));
    await expect(TimmWrapperModel.fromWeights(resnet.config, without(resnet.weights, 'layer2.0.downsample.2.running_var'))).rejects.toThrow(
      /missing tensor layer2\.0\.downsample\.2\.running_var/,
    );
    await expect(TimmWrapperModel.fromWeights(resnet.config, without(resnet.weights, 'conv1.6.weight'))).rejects.toThrow(/missing tensor conv1\.6\.weight/);
    // A classifier of another size (transformers would need ignore_mismatched_sizes).
    const five = TimmWrapperConfig.fromDict(vit.config.toDict(), { numLabels: 5 });
    await expect(TimmWrapperForImageClassification.fromWeights(five, vit.weights)).rejects.toThrow(/shape mismatch for head\.weight: expected \[5,32\] got \[10,32\]/);
    // model_args that disagree with the checkpoint.
    const deeper = TimmWrapperConfig.fromDict({ ...vit.config.toDict(), model_args: { ...vit.config.modelArgs, depth: 3 } });
    await expect(TimmWrapperModel.fromWeights(deeper, vit.weights)).rejects.toThrow(/missing tensor blocks\.2\./);
  });

  it('fromPretrained names the model and the folder in load errors', async () => {
    await expect(TimmWrapperModel.fromPretrained(golden('timm_vit_small_model'), { config: TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 10 }) })).rejects.toThrow(
      /^loading TimmWrapperModel from .*timm_vit_small_model\/model: missing tensor conv1\.weight/,
    );
  });

  it('TimmWrapperForImageClassification needs classes, as transformers', async () => {
    const { weights } = await checkpoint(golden('timm_vit_small_model'));
    const config = TimmWrapperConfig.fromDict({ architecture: 'vit_tiny_patch16_224', num_classes: 0, model_args: { img_size: 32, patch_size: 8, depth: 2, embed_dim: 32, num_heads: 2 } });
    await expect(TimmWrapperForImageClassification.fromWeights(config, weights)).rejects.toThrow(/checkpoint with no classifier head/);
    const features = await TimmWrapperModel.fromWeights(config, weights);
    expect(features.timmModel.numClasses).toBe(0);
  });
});
