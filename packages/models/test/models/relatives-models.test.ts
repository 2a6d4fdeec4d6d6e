import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import {
  BeitForImageClassification, BeitModel, DeiTForImageClassificationWithTeacher, DeiTModel, Dinov2Config, Dinov2ForImageClassification, Dinov2Model, Dinov2WithRegistersModel,
  ViTMAEForPreTraining, ViTMAEModel, ViTMSNModel, type PretrainedModel,
} from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const golden = (name: string): string => `${ROOT}golden/${name}/model`;

function wave(shape: number[], phase = 0): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sin(i * 0.37 + phase) * 1.1;
  return t;
}

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

const loaded: PretrainedModel[] = [];
async function load<M extends PretrainedModel>(model: Promise<M>): Promise<M> {
  const m = await model;
  loaded.push(m);
  return m;
}
afterAll(async () => {
  for (const m of loaded) await m.dispose();
});

describe("the relatives' inputs are checked, with transformers' rules where it has them", () => {
  it('DeiT resizes its positions only on request: another patch count without it is an error naming the flag', async () => {
    const deit = await load(DeiTModel.fromPretrained(golden('deit_model_basic')));
    await expect(deit.forward({ pixelValues: wave([1, 3, 48, 40]) })).rejects.toThrow(/48x40 input has 30 patches, the position embeddings 16; pass interpolatePosEncoding: true/);
    // Same patch count: DeiT's patch embedding checks no size (a remainder smaller than a patch is dropped).
    expect((await deit.forward({ pixelValues: wave([1, 3, 35, 33]) })).lastHiddenState.shape).toEqual([1, 18, 64]);
    expect((await deit.forward({ pixelValues: wave([1, 3, 48, 40]), interpolatePosEncoding: true })).lastHiddenState.shape).toEqual([1, 32, 64]);
  });

  it("ViTMSN checks the input size as ViT does", async () => {
    const msn = await load(ViTMSNModel.fromPretrained(golden('vitmsn_model')));
    await expect(msn.forward({ pixelValues: wave([1, 3, 32, 40]) })).rejects.toThrow(/Input image size \(32\*40\) doesn't match model \(32\*32\)/);
    expect((await msn.forward({ pixelValues: wave([1, 3, 32, 40]), interpolatePosEncoding: true })).lastHiddenState.shape).toEqual([1, 21, 48]);
    await expect(msn.forward({ pixelValues: wave([1, 3, 32, 32]), boolMaskedPos: new Uint8Array(16) })).rejects.toThrow(/needs a mask token/);
  });

  it('DINOv2 without use_mask_token refuses bool_masked_pos (transformers would ignore it silently)', async () => {
    const config = Dinov2Config.fromDict({ ...JSON.parse(readFileSync(`${golden('dinov2_model_basic')}/config.json`, 'utf8')), use_mask_token: false });
    const model = await load(Dinov2Model.fromPretrained(golden('dinov2_model_basic'), { config }));
    await expect(model.forward({ pixelValues: wave([1, 3, 32, 32]), boolMaskedPos: new Uint8Array(16).fill(1) })).rejects.toThrow(/Dinov2Model: boolMaskedPos needs a mask token/);
    expect(model.loadReport.unexpectedKeys).toEqual(['embeddings.mask_token']);
    await expect(model.forward({ pixelValues: wave([1, 3, 32, 32]), boolMaskedPos: new Uint8Array(15) })).rejects.toThrow(/boolMaskedPos has 15 entries, expected batch × patches = 1 × 16/);
  });

  it("ViTMAE's noise must be [batch, patches] of numbers; without it the masking is random but keeps int(L·(1 − mask_ratio)) patches", async () => {
    const mae = await load(ViTMAEModel.fromPretrained(golden('vitmae_model')));
    const x = wave([2, 3, 32, 32]);
    await expect(mae.forward({ pixelValues: x, noise: wave([2, 15]) })).rejects.toThrow(/noise must be a Tensor \[batch, patches\] = \[2, 16\]/);
    const nan = wave([2, 16]);
    nan.data[5] = NaN;
    await expect(mae.forward({ pixelValues: x, noise: nan })).rejects.toThrow(/noise\[0, 5\] is NaN/);
    await expect(mae.forward({ pixelValues: x, boolMaskedPos: new Uint8Array(32) } as never)).rejects.toThrow(/takes no boolMaskedPos/);
    const random = await mae.forward({ pixelValues: x });
    expect(random.lastHiddenState.shape).toEqual([2, 5, 64]);
    for (let b = 0; b < 2; b++) expect(random.mask.select(b).data.reduce((s, v) => s + v, 0)).toBe(12);
    expect([...random.idsRestore.select(0).data].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    // The same noise twice: the same masking and the same numbers.
    const noise = wave([2, 16], 1);
    const a = await mae.forward({ pixelValues: x, noise });
    const b = await mae.forward({ pixelValues: x, noise });
    expect(maxDiff(a.lastHiddenState, b.lastHiddenState)).toBe(0);
    expect(Array.from(a.idsRestore.data)).toEqual(Array.from(b.idsRestore.data));
  });

  it("ViTMAEForPreTraining's patchify wants a square image divisible by the patch unless interpolating", async () => {
    const mae = await load(ViTMAEForPreTraining.fromPretrained(golden('vitmae_pretrain')));
    await expect(mae.forward({ pixelValues: wave([1, 3, 40, 56]), noise: wave([1, 35]) })).rejects.toThrow(/Input image size \(40\*56\) doesn't match model/);
    const out = await mae.forward({ pixelValues: wave([1, 3, 40, 56]), noise: wave([1, 35]), interpolatePosEncoding: true });
    expect(out.logits.shape).toEqual([1, 35, 192]);
    expect(out.loss.shape).toEqual([]);
    expect(Number.isFinite(out.loss.data[0])).toBe(true);
  });

  it('the distilled DeiT takes no labels, as transformers (inference only)', async () => {
    const deit = await load(DeiTForImageClassificationWithTeacher.fromPretrained(golden('deit_distilled')));
    await expect(deit.forward({ pixelValues: wave([1, 3, 32, 32]), labels: [1] as never })).rejects.toThrow(/inference-only and takes no labels/);
  });
});

describe("the relatives follow timm's forward contract", () => {
  it('DINOv2 classifier: forwardHead(forwardFeatures(x)) is forward()’s logits; preLogits are [CLS, patch mean]', async () => {
    const model = await load(Dinov2ForImageClassification.fromPretrained(golden('dinov2_classifier')));
    const x = wave([2, 3, 32, 32]);
    const { logits } = await model.forward({ pixelValues: x });
    const features = await model.forwardFeatures(x);
    expect(features.shape).toEqual([2, 17, 48]);
    expect(maxDiff(await model.forwardHead(features), logits)).toBe(0);
    const pre = await model.forwardHead(features, { preLogits: true });
    expect(pre.shape).toEqual([2, 96]);
    for (let j = 0; j < 48; j++) {
      expect(pre.data[j]).toBe(features.data[j]); // image 0's [CLS]
      let mean = 0;
      for (let t = 1; t < 17; t++) mean += features.data[t * 48 + j];
      expect(Math.abs(pre.data[48 + j] - mean / 16)).toBeLessThan(1e-6);
    }
  });

  it('DINOv2 with registers: forwardIntermediates drops [CLS] and the registers, or returns them apart', async () => {
    const model = await load(Dinov2WithRegistersModel.fromPretrained(golden('dinov2_reg_model')));
    const x = wave([2, 3, 48, 48]);
    const out = await model.forwardIntermediates(x, { indices: [0, -1], returnPrefixTokens: true, norm: true });
    expect(out.intermediates.map((t) => t.shape)).toEqual([[2, 64, 6, 6], [2, 64, 6, 6]]);
    expect(out.prefixTokens!.map((t) => t.shape)).toEqual([[2, 5, 64], [2, 5, 64]]);
    // The last block through the final norm is the model's output: [CLS, registers] and the patch map.
    const final = await model.forwardFeatures(x);
    for (let j = 0; j < 5 * 64; j++) expect(out.prefixTokens![1].data[j]).toBe(final.data[j]);
    for (let c = 0; c < 64; c++) expect(out.intermediates[1].data[c * 36]).toBe(final.data[5 * 64 + c]);
    const { poolerOutput } = await model.forward({ pixelValues: x });
    for (let j = 0; j < 64; j++) expect(poolerOutput!.data[j]).toBe(final.data[j]);
  });

  it('a distilled DeiT: the averaged logits are the mean of both heads; preLogits the mean of [CLS] and DIST', async () => {
    const model = await load(DeiTForImageClassificationWithTeacher.fromPretrained(golden('deit_distilled')));
    const x = wave([2, 3, 32, 32]);
    const out = await model.forward({ pixelValues: x });
    for (let i = 0; i < out.logits.size; i++) expect(out.logits.data[i]).toBe(Math.fround((out.clsLogits.data[i] + out.distillationLogits.data[i]) / 2));
    const features = await model.forwardFeatures(x);
    expect(maxDiff(await model.forwardHead(features), out.logits)).toBe(0);
    const pre = await model.forwardHead(features, { preLogits: true });
    for (let j = 0; j < 64; j++) expect(pre.data[j]).toBe(Math.fround((features.data[j] + features.data[64 + j]) / 2));
  });

  it('BEiT with mean pooling: the classifier reads pooler_output (LayerNorm of the patch mean); any input size works without a flag', async () => {
    const model = await load(BeitForImageClassification.fromPretrained(golden('beit_classifier')));
    const x = wave([2, 3, 48, 48]);
    const { logits } = await model.forward({ pixelValues: x });
    const features = await model.forwardFeatures(x);
    expect(maxDiff(await model.forwardHead(features), logits)).toBe(0);
    const backbone = await load(BeitModel.fromPretrained(golden('beit_classifier')));
    const { poolerOutput, lastHiddenState } = await backbone.forward({ pixelValues: x });
    expect(maxDiff(lastHiddenState, features)).toBe(0);
    expect(maxDiff(await model.forwardHead(features, { preLogits: true }), poolerOutput!)).toBe(0);
    expect(backbone.loadReport.unexpectedKeys.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    // A 64x32 input: a 4x2 window, its bias table resampled from the native 3x3 one.
    expect((await model.forward({ pixelValues: wave([1, 3, 64, 32]) })).logits.shape).toEqual([1, 10]);
  });
});
