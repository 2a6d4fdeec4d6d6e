import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import { ViTForImageClassification, ViTForMaskedImageModeling, ViTModel, inferProblemType, ViTConfig } from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const FASHION = `${ROOT}models/fashion-vit-tiny`;
const BASIC = `${ROOT}golden/vit_model_basic/model`;

function wave(shape: number[], phase = 0): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sin(i * 0.61 + phase) * 1.3;
  return t;
}

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

describe('ViTModel forward', () => {
  it('gives the same numbers with fused and eager attention (atol 1e-5)', async () => {
    const model = await ViTForImageClassification.fromPretrained(FASHION);
    const x = wave([3, 3, 28, 28]);
    model.attnImplementation = 'eager';
    const eager = await model.forward({ pixelValues: x, outputHiddenStates: true });
    model.attnImplementation = 'fused';
    const fused = await model.forward({ pixelValues: x, outputHiddenStates: true });
    expect(maxDiff(eager.logits, fused.logits)).toBeLessThan(1e-5);
    eager.hiddenStates!.forEach((h, i) => expect(maxDiff(h, fused.hiddenStates![i])).toBeLessThan(1e-5));
  });

  it('computes each image of a batch as it would alone', async () => {
    const model = await ViTForImageClassification.fromPretrained(FASHION);
    const x = wave([2, 3, 28, 28]);
    const both = (await model.forward({ pixelValues: x })).logits;
    for (let b = 0; b < 2; b++) {
      const alone = (await model.forward({ pixelValues: x.slice(b, b + 1) })).logits;
      expect(maxDiff(both.slice(b, b + 1), alone)).toBeLessThan(1e-6);
    }
  });

  it("follows timm's forward contract: forwardHead(forwardFeatures(x)) is forward's output", async () => {
    const model = await ViTModel.fromPretrained(BASIC);
    const [h, w] = model.config.imageSize2;
    const x = wave([2, 3, h, w]);
    const out = await model.forward({ pixelValues: x });
    const features = await model.forwardFeatures(x);
    expect(features.data).toEqual(out.lastHiddenState.data);
    expect((await model.forwardHead(features)).data).toEqual(out.poolerOutput!.data);
    const cls = await model.forwardHead(features, { preLogits: true });
    expect(cls.shape).toEqual([2, model.config.hiddenSize]);
    expect(Array.from(cls.data.subarray(0, 4))).toEqual(Array.from(out.lastHiddenState.data.subarray(0, 4)));
  });

  it('forwardIntermediates gives the blocks\' outputs (timm layout) consistent with hiddenStates', async () => {
    const model = await ViTModel.fromPretrained(BASIC);
    const c = model.config;
    const [h, w] = c.imageSize2;
    const [gh, gw] = [h / (c.patchSize as number), w / (c.patchSize as number)];
    const x = wave([2, 3, h, w]);
    const full = await model.forward({ pixelValues: x, outputHiddenStates: true });
    const nlc = await model.forwardIntermediates(x, { outputFmt: 'NLC', returnPrefixTokens: true });
    expect(nlc.intermediates).toHaveLength(c.numHiddenLayers);
    expect(nlc.final!.data).toEqual(full.lastHiddenState.data);
    const d = c.hiddenSize;
    const tokens = gh * gw + 1;
    nlc.intermediates.forEach((t, i) => {
      expect(t.shape).toEqual([2, gh * gw, d]);
      const hs = full.hiddenStates![i + 1];
      expect(Array.from(t.data.subarray(0, gh * gw * d))).toEqual(Array.from(hs.data.subarray(d, tokens * d)));
      expect(Array.from(nlc.prefixTokens![i].data.subarray(0, d))).toEqual(Array.from(hs.data.subarray(0, d)));
    });
    const nchw = await model.forwardIntermediates(x, { indices: [-1], norm: true, stopEarly: true, intermediatesOnly: true });
    expect(nchw.final).toBeNull();
    expect(nchw.intermediates[0].shape).toEqual([2, d, gh, gw]);
    // channel 3 of patch (row 1, col 2) of image 1 is token 1 + 1·gw + 2 of the final-normed sequence.
    const token = 1 + 1 * gw + 2;
    expect(nchw.intermediates[0].get(1, 3, 1, 2)).toBe(full.lastHiddenState.get(1, token, 3));
    const early = await model.forwardIntermediates(x, { indices: [0], stopEarly: true, outputFmt: 'NLC' });
    expect(early.intermediates[0].data).toEqual(nlc.intermediates[0].data);
    // timm's feature_take_indices, the one both ViTs use.
    await expect(model.forwardIntermediates(x, { indices: [c.numHiddenLayers] })).rejects.toThrow(/feature index \d+ is out of range \(0 to/);
    await expect(model.forwardIntermediates(x, { indices: 0 })).rejects.toThrow(/last-n \(0\) is out of range \(1 to/);
    await expect(model.forwardIntermediates(x, { indices: 0, stopEarly: true })).rejects.toThrow(/last-n \(0\) is out of range/);
    await expect(model.forwardIntermediates(x, { indices: [] })).rejects.toThrow(/empty sequence/);
    // A list is taken in block order, each block once (timm's `if i in take_indices`).
    const unordered = await model.forwardIntermediates(x, { indices: [2, 0, 2, -c.numHiddenLayers], outputFmt: 'NLC' });
    expect(unordered.intermediates.map((t) => Array.from(t.data))).toEqual([0, 2].map((i) => Array.from(nlc.intermediates[i].data)));
  });

  it('returns hidden states and attentions only when asked, in transformers layout', async () => {
    const model = await ViTModel.fromPretrained(BASIC);
    const c = model.config;
    const [h, w] = c.imageSize2;
    const tokens = c.numPatches + 1;
    const plain = await model.forward({ pixelValues: wave([1, 3, h, w]) });
    expect(plain.hiddenStates).toBeNull();
    expect(plain.attentions).toBeNull();
    const full = await model.forward({ pixelValues: wave([1, 3, h, w]), outputHiddenStates: true, outputAttentions: true });
    expect(full.hiddenStates).toHaveLength(c.numHiddenLayers + 1);
    expect(full.attentions).toHaveLength(c.numHiddenLayers);
    expect(full.attentions![0].shape).toEqual([1, c.numAttentionHeads, tokens, tokens]);
    // Each probability row sums to one.
    const row = full.attentions![0].data.subarray(0, tokens);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(maxDiff(full.lastHiddenState, plain.lastHiddenState)).toBeLessThan(1e-5);
  });

  it('skips position interpolation at the native square size, as transformers does', async () => {
    const model = await ViTModel.fromPretrained(BASIC);
    const [h, w] = model.config.imageSize2;
    const x = wave([1, 3, h, w]);
    const a = await model.forward({ pixelValues: x });
    const b = await model.forward({ pixelValues: x, interpolatePosEncoding: true });
    expect(b.lastHiddenState.data).toEqual(a.lastHiddenState.data);
  });

  it('rejects bad inputs with clear errors', async () => {
    const model = await ViTForImageClassification.fromPretrained(FASHION);
    await expect(model.forward({ pixelValues: wave([1, 3, 32, 32]) })).rejects.toThrow(/Input image size \(32\*32\) doesn't match model \(28\*28\)/);
    await expect(model.forward({ pixelValues: wave([1, 1, 28, 28]) })).rejects.toThrow(/1 channels, the model expects 3/);
    await expect(model.forward({ pixelValues: wave([3, 28, 28]) })).rejects.toThrow(/\[batch, channels, height, width\]/);
    const nan = wave([1, 3, 28, 28]);
    nan.data[5] = NaN;
    await expect(model.forward({ pixelValues: nan })).rejects.toThrow(/pixelValues contains NaN at flat index 5/);
    await expect(model.forward({ pixelValues: wave([1, 3, 28, 28]), headMask: Tensor.zeros([4]) })).rejects.toThrow(/headMask must have shape \[3\] or \[6,3\]/);
    const base = await ViTModel.fromPretrained(BASIC);
    const [h, w] = base.config.imageSize2;
    await expect(base.forward({ pixelValues: wave([1, 3, h, w]), boolMaskedPos: Tensor.zeros([1, base.config.numPatches]) })).rejects.toThrow(/useMaskToken/);
  });

  it('floors an input that is not a multiple of the patch, as the strided conv does', async () => {
    const model = await ViTForImageClassification.fromPretrained(FASHION);
    const out = await model.forward({ pixelValues: wave([1, 3, 30, 31]), interpolatePosEncoding: true, outputHiddenStates: true });
    expect(out.hiddenStates![0].shape).toEqual([1, 7 * 7 + 1, 96]);
  });
});

describe('ViT task heads', () => {
  it('infers the problem type as transformers does', () => {
    const c = (n: number, problem?: string): ViTConfig => ViTConfig.fromDict({ num_labels: n, ...(problem ? { problem_type: problem } : {}) });
    expect(inferProblemType(c(1), Tensor.zeros([2]))).toBe('regression');
    expect(inferProblemType(c(5), new BigInt64Array(2))).toBe('single_label_classification');
    expect(inferProblemType(c(5), [1, 2])).toBe('single_label_classification');
    expect(inferProblemType(c(5), Tensor.zeros([2, 5]))).toBe('multi_label_classification');
    expect(inferProblemType(c(5, 'regression'), [1, 2])).toBe('regression');
  });

  it('rejects labels that do not fit the logits', async () => {
    const model = await ViTForImageClassification.fromPretrained(FASHION);
    await expect(model.forward({ pixelValues: wave([2, 3, 28, 28]), labels: [1] })).rejects.toThrow(/labels have 1 entries for a batch of 2/);
    await expect(model.forward({ pixelValues: wave([2, 3, 28, 28]), labels: [1, 10] })).rejects.toThrow(/target 10 of row 1 is outside 0..9/);
    await expect(model.forward({ pixelValues: wave([2, 3, 28, 28]), labels: Tensor.zeros([2, 3]) })).rejects.toThrow(/multi-label targets have 6 values/);
  });

  it('MIM: reconstructs the input size and refuses a mask when patch_size != encoder_stride', async () => {
    const mim = await ViTForMaskedImageModeling.fromPretrained(`${ROOT}golden/vit_mim/model`);
    const [h, w] = mim.config.imageSize2;
    const out = await mim.forward({ pixelValues: wave([1, 3, h, w]) });
    expect(out.loss).toBeNull();
    expect(out.reconstruction.shape).toEqual([1, 3, h, w]);
    const mask = new Uint8Array(mim.config.numPatches).fill(1);
    const masked = await mim.forward({ pixelValues: wave([1, 3, h, w]), boolMaskedPos: mask });
    expect(masked.loss!.shape).toEqual([]);
    const odd = new ViTForMaskedImageModeling(ViTConfig.fromDict({ ...mim.config.toDict(), encoder_stride: 4 }), mim.vit, mim.decoder);
    await expect(odd.forward({ pixelValues: wave([1, 3, h, w]), boolMaskedPos: mask })).rejects.toThrow(/patch_size must be equal to encoder_stride/);
  });
});
