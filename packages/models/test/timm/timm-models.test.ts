import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import { loadWeights, type WeightEntry, type WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import {
  AutoModel,
  AutoModelForImageClassification,
  TimmResNet,
  TimmVisionTransformer,
  TimmWrapperConfig,
  TimmWrapperForImageClassification,
  TimmWrapperModel,
  type JsonObject,
} from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const golden = (name: string): string => `${ROOT}golden/${name}/model`;

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

/** A golden checkpoint with config.json's model_args changed. */
async function variant(name: string, modelArgs: JsonObject): Promise<{ config: TimmWrapperConfig; weights: WeightMap }> {
  const repo = await openRepo(golden(name));
  const dict = await repo.readJson<JsonObject>('config.json');
  const config = TimmWrapperConfig.fromDict({ ...dict, model_args: { ...(dict.model_args as JsonObject), ...modelArgs } });
  return { config, weights: await loadWeights(repo) };
}

/** `entry` with its values passed through `f` (rows of `rowLength` values, row index given). */
function mapEntry(entry: WeightEntry, rowLength: number, f: (v: number, row: number) => number): WeightEntry {
  return { ...entry, load: async () => (await entry.load()).map((v, i) => f(v, Math.floor(i / rowLength))) };
}

describe('TimmWrapperModel / TimmWrapperForImageClassification on timm ViTs', () => {
  it("follows timm's forward contract: forward = forwardHead(forwardFeatures), poolerOutput = preLogits features", async () => {
    const cls = await TimmWrapperForImageClassification.fromPretrained(golden('timm_vit_small_model'));
    const base = await TimmWrapperModel.fromPretrained(golden('timm_vit_small_model'));
    expect(cls.timmModel).toBeInstanceOf(TimmVisionTransformer);
    const x = wave([2, 3, 32, 32]);
    const features = await cls.forwardFeatures(x);
    expect(features.shape).toEqual([2, 17, 32]);
    const logits = (await cls.forward({ pixelValues: x })).logits;
    expect((await cls.forwardHead(features)).data).toEqual(logits.data);
    const out = await base.forward({ pixelValues: x });
    expect(out.lastHiddenState.data).toEqual(features.data);
    expect(out.poolerOutput!.data).toEqual((await cls.forwardHead(features, { preLogits: true })).data);
    expect(out.hiddenStates).toBeNull();
    expect(out.attentions).toBeNull();
    // With hidden states, logits come from forward_head of forward_intermediates' final features: the same numbers.
    const withHidden = await cls.forward({ pixelValues: x, outputHiddenStates: true });
    expect(withHidden.logits.data).toEqual(logits.data);
    expect(withHidden.hiddenStates).toHaveLength(2);
  });

  it('hidden states: every block by default, a list of indices (negative from the end), none for an empty list', async () => {
    const model = await TimmWrapperModel.fromPretrained(golden('timm_vit_reg4'));
    const x = wave([1, 3, 32, 32]);
    const all = (await model.forward({ pixelValues: x, outputHiddenStates: true })).hiddenStates!;
    expect(all.map((h) => h.shape)).toEqual([[1, 32, 4, 4], [1, 32, 4, 4]]);
    const last = (await model.forward({ pixelValues: x, outputHiddenStates: [-1] })).hiddenStates!;
    expect(last).toHaveLength(1);
    expect(last[0].data).toEqual(all[1].data);
    expect((await model.forward({ pixelValues: x, outputHiddenStates: [] })).hiddenStates).toBeNull();
    await expect(model.forward({ pixelValues: x, outputHiddenStates: [2] })).rejects.toThrow(/feature index 2 is out of range \(0 to 1\)/);
    await expect(model.forward({ pixelValues: x, outputAttentions: true })).rejects.toThrow(/Cannot set `output_attentions` for timm models/);
    expect((await model.forward({ pixelValues: x, doPooling: false })).poolerOutput).toBeNull();
  });

  it('forwardIntermediates: NCHW maps are the NLC tokens transposed; prefix tokens apart; stopEarly; norm', async () => {
    const model = await TimmWrapperModel.fromPretrained(golden('timm_vit_reg4'));
    const vit = model.timmModel as TimmVisionTransformer;
    expect(vit.numPrefixTokens).toBe(5);
    const x = wave([2, 3, 32, 32], 1);
    const nlc = await model.forwardIntermediates(x, { outputFmt: 'NLC', returnPrefixTokens: true });
    const nchw = await model.forwardIntermediates(x, {});
    expect(nchw.prefixTokens).toBeNull();
    expect(nlc.intermediates[1].shape).toEqual([2, 16, 32]);
    expect(nlc.prefixTokens![1].shape).toEqual([2, 5, 32]);
    // channel 7 of patch (row 2, col 1) of image 1
    expect(nchw.intermediates[1].get(1, 7, 2, 1)).toBe(nlc.intermediates[1].get(1, 2 * 4 + 1, 7));
    const early = await model.forwardIntermediates(x, { indices: [0], stopEarly: true, intermediatesOnly: true });
    expect(early.final).toBeNull();
    expect(early.intermediates[0].data).toEqual(nchw.intermediates[0].data);
    // The final norm applied to the last block's output is forward_features' patch part.
    const normed = await model.forwardIntermediates(x, { indices: 1, norm: true, outputFmt: 'NLC', returnPrefixTokens: true });
    const features = nchw.final!;
    expect(Array.from(normed.intermediates[0].data.subarray(0, 16 * 32))).toEqual(Array.from(features.data.subarray(5 * 32, 21 * 32)));
    expect(Array.from(normed.prefixTokens![0].data.subarray(0, 5 * 32))).toEqual(Array.from(features.data.subarray(0, 5 * 32)));
  });

  it('gives the same numbers with fused and eager attention (atol 1e-5) and computes each image as alone', async () => {
    const model = await TimmWrapperForImageClassification.fromPretrained(golden('timm_vit_deit3_hf_saved'));
    const x = wave([3, 3, 32, 32]);
    model.attnImplementation = 'eager';
    const eager = (await model.forward({ pixelValues: x })).logits;
    model.attnImplementation = 'fused';
    const fused = (await model.forward({ pixelValues: x })).logits;
    expect(maxDiff(eager, fused)).toBeLessThan(1e-5);
    const alone = (await model.forward({ pixelValues: x.slice(1, 2) })).logits;
    expect(maxDiff(fused.slice(1, 2), alone)).toBeLessThan(1e-6);
  });

  it('checks the input size as timm: fixed unless dynamic_img_size, multiples of the patch unless dynamic_img_pad', async () => {
    const fixed = await TimmWrapperModel.fromPretrained(golden('timm_vit_small_model'));
    await expect(fixed.forward({ pixelValues: wave([1, 3, 40, 32]) })).rejects.toThrow(/Input height \(40\) doesn't match model \(32\)/);
    await expect(fixed.forward({ pixelValues: wave([1, 1, 32, 32]) })).rejects.toThrow(/1 channels, the model expects 3 \(in_chans\)/);
    const bad = wave([1, 3, 32, 32]);
    bad.data[5] = NaN;
    await expect(fixed.forward({ pixelValues: bad })).rejects.toThrow(/NaN at flat index 5/);
    const dynamic = await TimmWrapperModel.fromPretrained(golden('timm_vit_dynamic_up'));
    await expect(dynamic.forward({ pixelValues: wave([1, 3, 44, 40]) })).rejects.toThrow(/Input height \(44\) should be divisible by patch size \(8\)/);
    // Same grid size twice: the resampled table is reused and gives the same numbers.
    const x = wave([1, 3, 48, 40]);
    const a = await dynamic.forward({ pixelValues: x });
    const b = await dynamic.forward({ pixelValues: x });
    expect(a.lastHiddenState.data).toEqual(b.lastHiddenState.data);
    expect(a.lastHiddenState.shape).toEqual([1, 31, 32]);
  });

  it('dynamic_img_pad pads the bottom and right with zeros to whole patches', async () => {
    const { config, weights } = await variant('timm_vit_dynamic_up', { dynamic_img_pad: true });
    const model = await TimmWrapperModel.fromWeights(config, weights);
    const x = wave([1, 3, 45, 37]);
    const padded = Tensor.zeros([1, 3, 48, 40]);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 45; y++) for (let w = 0; w < 37; w++) padded.data[(c * 48 + y) * 40 + w] = x.get(0, c, y, w);
    const out = await model.forward({ pixelValues: x, outputHiddenStates: true });
    const ref = await model.forward({ pixelValues: padded, outputHiddenStates: true });
    expect(out.lastHiddenState.data).toEqual(ref.lastHiddenState.data);
    expect(out.hiddenStates![0].shape).toEqual([1, 32, 6, 5]);
  });

  it('global pools: max, avgmax (= ½(avg + max)) and avg over the patch tokens; include the prefix on request', async () => {
    const pooled = async (args: JsonObject): Promise<{ pool: Tensor; features: Tensor }> => {
      const { config, weights } = await variant('timm_vit_small_model', { fc_norm: false, ...args });
      const model = await TimmWrapperModel.fromWeights(config, weights);
      const out = await model.forward({ pixelValues: wave([2, 3, 32, 32], 2) });
      return { pool: out.poolerOutput!, features: out.lastHiddenState };
    };
    const avg = await pooled({ global_pool: 'avg' });
    const max = await pooled({ global_pool: 'max' });
    const avgmax = await pooled({ global_pool: 'avgmax' });
    const all = await pooled({ global_pool: 'avg', pool_include_prefix: true });
    const f = avg.features; // [2, 17, 32], final-normed
    for (const [b, c] of [[0, 0], [1, 31], [1, 5]]) {
      let sum = 0;
      let m = -Infinity;
      for (let t = 1; t < 17; t++) {
        sum += f.get(b, t, c);
        m = Math.max(m, f.get(b, t, c));
      }
      expect(avg.pool.get(b, c)).toBeCloseTo(sum / 16, 6);
      expect(max.pool.get(b, c)).toBe(m);
      expect(avgmax.pool.get(b, c)).toBeCloseTo(0.5 * (sum / 16 + m), 6);
      expect(all.pool.get(b, c)).toBeCloseTo((sum + f.get(b, 0, c)) / 17, 6);
    }
    const none = await pooled({ global_pool: '' });
    expect(none.pool.data).toEqual(none.features.data);
  });

  it('qk_norm LayerNorms each head\'s query and key: invariant to scaling or shifting one head\'s q and k projections', async () => {
    const { config: base, weights } = await variant('timm_vit_small_model', {});
    const config = TimmWrapperConfig.fromDict({ ...base.toDict(), model_args: { ...base.modelArgs, qk_norm: true } });
    const withNorms = new Map(weights);
    const d = 32;
    const headDim = 16;
    for (const i of [0, 1]) {
      for (const n of ['q_norm', 'k_norm']) {
        const w = weights.get(`blocks.${i}.norm1.weight`)!;
        withNorms.set(`blocks.${i}.attn.${n}.weight`, { ...w, shape: [headDim], load: async () => Float32Array.from({ length: headDim }, (_, j) => 0.5 + j / headDim) });
        withNorms.set(`blocks.${i}.attn.${n}.bias`, { ...w, shape: [headDim], load: async () => Float32Array.from({ length: headDim }, (_, j) => Math.cos(j) * 0.1) });
      }
    }
    const x = wave([1, 3, 32, 32], 3);
    const normed = await TimmWrapperModel.fromWeights(config, withNorms);
    expect(normed.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const reference = (await normed.forward({ pixelValues: x })).lastHiddenState;
    // qkv rows: q of head 0 = 0 … 15, q of head 1 = 16 … 31, k of head 0 = d … d + 15, k of head 1 = d + 16 … d + 31.
    // Head 0's queries shifted by a constant (the norm's mean removes it), head 1's queries and keys scaled by 3 (its
    // variance removes it). Without the norms both change the scores: a key-independent shift of the query does not
    // cancel in softmax, and scaling keys changes the attention temperature.
    const scaled = (row: number): boolean => (row >= 16 && row < 32) || (row >= d + 16 && row < 2 * d);
    const altered = new Map(withNorms);
    for (const i of [0, 1]) {
      const qkvW = withNorms.get(`blocks.${i}.attn.qkv.weight`)!;
      const qkvB = withNorms.get(`blocks.${i}.attn.qkv.bias`)!;
      altered.set(`blocks.${i}.attn.qkv.weight`, mapEntry(qkvW, d, (v, row) => (scaled(row) ? 3 * v : v)));
      altered.set(`blocks.${i}.attn.qkv.bias`, mapEntry(qkvB, 1, (v, row) => (scaled(row) ? 3 * v : row < 16 ? v + 0.7 : v)));
    }
    const alteredOut = (await (await TimmWrapperModel.fromWeights(config, altered)).forward({ pixelValues: x })).lastHiddenState;
    expect(maxDiff(reference, alteredOut)).toBeLessThan(1e-4);
    // Without the norms the same change moves the output: the invariance is the norms' doing.
    const plain = (await (await TimmWrapperModel.fromWeights(base, weights)).forward({ pixelValues: x })).lastHiddenState;
    const plainAltered = (await (await TimmWrapperModel.fromWeights(base, altered)).forward({ pixelValues: x })).lastHiddenState;
    expect(maxDiff(plain, plainAltered)).toBeGreaterThan(1e-2);
  });
});

describe('TimmWrapperModel / TimmWrapperForImageClassification on timm ResNets', () => {
  it('hidden states are [stem after act1, layer1 … layer4]; pooler = global average of the last map; logits = fc(pooler)', async () => {
    const model = await TimmWrapperModel.fromPretrained(golden('timm_resnet18_small_model'));
    const cls = await TimmWrapperForImageClassification.fromPretrained(golden('timm_resnet18_small_model'));
    expect(model.timmModel).toBeInstanceOf(TimmResNet);
    const x = wave([2, 3, 64, 64]);
    const out = await model.forward({ pixelValues: x, outputHiddenStates: true });
    expect(out.hiddenStates!.map((h) => h.shape)).toEqual([[2, 64, 32, 32], [2, 4, 16, 16], [2, 8, 8, 8], [2, 16, 4, 4], [2, 32, 2, 2]]);
    expect(out.lastHiddenState.data).toEqual(out.hiddenStates![4].data);
    expect(out.poolerOutput!.shape).toEqual([2, 32]);
    for (const [b, c] of [[0, 0], [1, 17]]) {
      let s = 0;
      for (let i = 0; i < 4; i++) s += out.lastHiddenState.data[(b * 32 + c) * 4 + i];
      expect(out.poolerOutput!.get(b, c)).toBeCloseTo(s / 4, 6);
    }
    expect((await cls.forwardHead(out.lastHiddenState, { preLogits: true })).data).toEqual(out.poolerOutput!.data);
    const logits = (await cls.forward({ pixelValues: x })).logits;
    expect((await cls.forwardHead(await cls.forwardFeatures(x))).data).toEqual(logits.data);
    const selected = await model.forward({ pixelValues: x, outputHiddenStates: [0, -1] });
    expect(selected.hiddenStates!.map((h) => h.shape)).toEqual([[2, 64, 32, 32], [2, 32, 2, 2]]);
    expect(selected.hiddenStates![0].data).toEqual(out.hiddenStates![0].data);
  });

  it('forwardIntermediates: stopEarly ends at the last requested stage; only NCHW', async () => {
    const model = await TimmWrapperModel.fromPretrained(golden('timm_resnet50d_small_model'));
    const x = wave([1, 3, 64, 64]);
    const early = await model.forwardIntermediates(x, { indices: [1], stopEarly: true });
    expect(early.intermediates[0].shape).toEqual([1, 16, 16, 16]);
    expect(early.final!.data).toEqual(early.intermediates[0].data);
    // No stage run (indices [0]): final is the stem after its max-pool, as timm's loop leaves x.
    const stem = await model.forwardIntermediates(x, { indices: [0], stopEarly: true });
    expect(stem.intermediates[0].shape).toEqual([1, 16, 32, 32]);
    expect(stem.final!.shape).toEqual([1, 16, 16, 16]);
    await expect(model.forwardIntermediates(x, { outputFmt: 'NLC' })).rejects.toThrow(/outputFmt must be "NCHW", got "NLC"/);
    await expect(model.forwardIntermediates(x, { indices: 6 })).rejects.toThrow(/last-n \(6\) is out of range \(1 to 5\)/);
    await expect(model.forwardIntermediates(x, { indices: 0 })).rejects.toThrow(/last-n \(0\) is out of range \(1 to 5\)/);
  });

  it('global pools max, avgmax and catavgmax ([avg | max], twice the features)', async () => {
    const pool = async (type: string): Promise<Tensor> => {
      const { config, weights } = await variant('timm_resnet18_small_model', { global_pool: type });
      return (await (await TimmWrapperModel.fromWeights(config, weights)).forward({ pixelValues: wave([2, 3, 64, 64], 1) })).poolerOutput!;
    };
    const [avg, max, avgmax, cat] = await Promise.all(['avg', 'max', 'avgmax', 'catavgmax'].map(pool));
    expect(cat.shape).toEqual([2, 64]);
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 32; c++) {
        expect(cat.get(b, c)).toBe(avg.get(b, c));
        expect(cat.get(b, 32 + c)).toBe(max.get(b, c));
        expect(avgmax.get(b, c)).toBeCloseTo(0.5 * (avg.get(b, c) + max.get(b, c)), 6);
        expect(max.get(b, c)).toBeGreaterThanOrEqual(avg.get(b, c));
      }
    }
    const { config, weights } = await variant('timm_resnet18_small_model', { global_pool: 'catavgmax' });
    await expect(TimmWrapperForImageClassification.fromWeights(config, weights)).rejects.toThrow(/shape mismatch for fc\.weight: expected \[10,64\] got \[10,32\]/);
  });

  it('any input size: the stem and shortcuts handle odd sizes (ceil-mode average pooling)', async () => {
    const model = await TimmWrapperModel.fromPretrained(golden('timm_resnet50d_small_model'));
    const out = await model.forward({ pixelValues: wave([1, 3, 45, 37]), outputHiddenStates: true });
    expect(out.hiddenStates!.map((h) => h.shape.slice(2))).toEqual([[23, 19], [12, 10], [6, 5], [3, 3], [2, 2]]);
  });
});

describe('Auto classes on timm configs', () => {
  it('AutoModel / AutoModelForImageClassification build the timm wrapper for a timm hub config.json and for model_type "timm_wrapper"', async () => {
    expect(await AutoModel.fromPretrained(golden('timm_resnet50_small_model'))).toBeInstanceOf(TimmWrapperModel);
    expect(await AutoModelForImageClassification.fromPretrained(golden('timm_vit_small_model'))).toBeInstanceOf(TimmWrapperForImageClassification);
    const saved = await AutoModelForImageClassification.fromPretrained(golden('timm_vit_deit3_hf_saved'), { attnImplementation: 'eager' });
    expect(saved).toBeInstanceOf(TimmWrapperForImageClassification);
    expect(saved.attnImplementation).toBe('eager');
    const relabelled = await AutoModel.fromPretrained(golden('timm_resnet50_a1_in1k_cfg'), { numLabels: 3 });
    expect(relabelled.config.numLabels).toBe(3);
    await expect(AutoModelForImageClassification.fromPretrained(golden('timm_vit_small_model'), { numLabels: 'ten' })).rejects.toThrow(/numLabels must be a non-negative integer/);
  });
});
