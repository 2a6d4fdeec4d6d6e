import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeitImageProcessor, BitImageProcessor, DeiTImageProcessor, loadImage } from '@purevit/image';
import { AutoModel, AutoModelForImageClassification, clsAttention, pipeline } from '@purevit/models';
import { GOLDEN, softmax64 } from './fixtures.js';

const IMAGES = [`${GOLDEN}images/rgb_480x360.png`, `${GOLDEN}images/jpeg420_331x247.jpg`];

/** A hub-style folder: a golden checkpoint and the preprocessor_config.json a hub repo of its family would carry. */
async function repoWith(dir: string, caseName: string, preprocessor: Record<string, unknown>): Promise<string> {
  const folder = await mkdtemp(path.join(dir, `${caseName}-`));
  for (const file of ['config.json', 'model.safetensors']) await copyFile(`${GOLDEN}${caseName}/model/${file}`, path.join(folder, file));
  await writeFile(path.join(folder, 'preprocessor_config.json'), JSON.stringify(preprocessor));
  return folder;
}

let root = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'purevit-relatives-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("pipelines over the ViT family's relatives", () => {
  it('image-classification on a distilled DeiT (DeiTImageProcessor): the averaged logits of both heads, softmaxed', async () => {
    const pre = { image_processor_type: 'DeiTImageProcessor', size: { height: 40, width: 40 }, crop_size: { height: 32, width: 32 } };
    const dir = await repoWith(root, 'deit_distilled', pre);
    const classify = await pipeline('image-classification', dir);
    expect(classify.processor).toBeInstanceOf(DeiTImageProcessor);
    const results = await classify(IMAGES);
    const model = await AutoModelForImageClassification.fromPretrained(dir);
    const { logits } = await model.forward({ pixelValues: DeiTImageProcessor.fromConfig(pre).preprocessRgb(await Promise.all(IMAGES.map(loadRgb))) });
    results.forEach((top, n) => {
      const scores = softmax64(logits.select(n).data);
      expect(top).toHaveLength(5);
      for (const { label, score } of top) expect(Math.abs(score - scores[model.config.label2id![label]])).toBeLessThan(1e-6);
      expect(top[0].score).toBe(Math.max(...top.map((r) => r.score)));
    });
    await model.dispose();
  });

  it("image-feature-extraction on DINOv2 with registers (BitImageProcessor): the pooler output, the final-normed [CLS]", async () => {
    const pre = { image_processor_type: 'BitImageProcessor', size: { shortest_edge: 48 }, crop_size: { height: 48, width: 48 } };
    const dir = await repoWith(root, 'dinov2_reg_model', pre);
    const embed = await pipeline('image-feature-extraction', dir);
    expect(embed.processor).toBeInstanceOf(BitImageProcessor);
    const features = await embed(IMAGES);
    const model = await AutoModel.fromPretrained(dir);
    const out = await model.forward({ pixelValues: BitImageProcessor.fromConfig(pre).preprocessRgb(await Promise.all(IMAGES.map(loadRgb))) });
    features.forEach((f, n) => {
      expect(f.shape).toEqual([64]);
      const cls = out.lastHiddenState.select(n).select(0).data;
      f.data.forEach((v, i) => expect(Math.abs(v - cls[i])).toBeLessThan(1e-6));
    });
    await model.dispose();
  });

  it('attention-map on DINOv2 with registers: [CLS] attention over the patches only (the 4 registers are prefix tokens)', async () => {
    const pre = { image_processor_type: 'BitImageProcessor', size: { shortest_edge: 48 }, crop_size: { height: 48, width: 48 } };
    const dir = await repoWith(root, 'dinov2_reg_model', pre);
    const attend = await pipeline('attention-map', dir);
    const map = await attend(IMAGES[0]);
    expect(map.grid).toEqual([6, 6]);
    const model = await AutoModel.fromPretrained(dir);
    const { attentions } = await model.forward({ pixelValues: BitImageProcessor.fromConfig(pre).preprocessRgb(await loadRgb(IMAGES[0])), outputAttentions: true });
    const last = attentions![attentions!.length - 1]; // [1, 4, 41, 41]
    const expected = clsAttention(last.select(0).data, 4, 41, 5);
    expect(map.values).toHaveLength(36);
    map.values.forEach((v, j) => expect(Math.abs(v - expected[j])).toBeLessThan(1e-6));
    await model.dispose();
  });

  it('image-classification on BEiT with its BeitImageProcessor (a legacy hub config)', async () => {
    const pre = { feature_extractor_type: 'BeitFeatureExtractor', size: 48, do_center_crop: false, resample: 2, reduce_labels: false };
    const dir = await repoWith(root, 'beit_classifier', pre);
    const classify = await pipeline('image-classification', dir, { batchSize: 1 });
    expect(classify.processor).toBeInstanceOf(BeitImageProcessor);
    const [top] = await classify([IMAGES[1]]);
    const model = await AutoModelForImageClassification.fromPretrained(dir);
    const { logits } = await model.forward({ pixelValues: BeitImageProcessor.fromConfig(pre).preprocessRgb(await loadRgb(IMAGES[1])) });
    const scores = softmax64(logits.select(0).data);
    for (const { label, score } of top) expect(Math.abs(score - scores[model.config.label2id![label]])).toBeLessThan(1e-6);
    await model.dispose();
  });

  it("ViTMAE's encoder sees only the kept patches: an attention map is refused with the reason", async () => {
    const dir = await repoWith(root, 'vitmae_model', { image_processor_type: 'ViTImageProcessor', size: { height: 32, width: 32 } });
    const attend = await pipeline('attention-map', dir);
    await expect(attend(IMAGES[0])).rejects.toThrow(/5 tokens do not hold a \[CLS\] token and a 4x4 patch grid/);
  });
});

const loadRgb = (file: string): ReturnType<typeof loadImage> => loadImage(file);
