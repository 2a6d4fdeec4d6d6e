import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ViTImageProcessor } from '@purevit/image';
import { AutoModel, ViTModel, imageFeatureExtractionPipeline, pipeline } from '@purevit/models';
import { GOLDEN, MODEL, samplePath, samples } from './fixtures.js';

describe("pipeline('image-feature-extraction')", () => {
  it('pooled features of a model without a pooler are its final-normed [CLS] token, image by image', async () => {
    const list = (await samples()).slice(0, 11).map(samplePath);
    const embed = await pipeline('image-feature-extraction', undefined, { batchSize: 4 });
    const features = await embed(list);
    const model = await AutoModel.fromPretrained(MODEL);
    const { pixelValues } = await (await ViTImageProcessor.fromPretrained(MODEL)).preprocess(list);
    const { lastHiddenState, poolerOutput } = await model.forward({ pixelValues });
    expect(poolerOutput).toBeNull(); // a ViTForImageClassification checkpoint carries no pooler
    expect(features).toHaveLength(11);
    features.forEach((f, n) => {
      expect(f.shape).toEqual([96]);
      const cls = lastHiddenState.select(n).select(0).data;
      for (let i = 0; i < 96; i++) expect(Math.abs(f.data[i] - cls[i])).toBeLessThan(1e-5);
    });
    // The model's own pooled output through timm's contract: forwardHead(features, { preLogits: true }).
    const head = await model.forwardHead(lastHiddenState, { preLogits: true });
    features.forEach((f, n) => head.select(n).data.forEach((v, i) => expect(Math.abs(v - f.data[i])).toBeLessThan(1e-5)));
  });

  it('with a pooler, pooled features are its poolerOutput; pool: false gives every token', async () => {
    const dir = `${GOLDEN}vit_model_basic/model`;
    const model = await ViTModel.fromPretrained(dir);
    expect(model.pooler).not.toBeNull();
    const processor = new ViTImageProcessor({ size: 32 }); // the checkpoint's image_size
    const embed = imageFeatureExtractionPipeline(model, processor, 2);
    const images = [`${GOLDEN}images/rgb_480x360.png`, `${GOLDEN}images/jpeg420_331x247.jpg`, `${GOLDEN}images/gray_37x53.png`];
    const pooled = await embed(images);
    const tokens = await embed(images, { pool: false });
    const { pixelValues } = await processor.preprocess(images);
    const out = await model.forward({ pixelValues });
    expect(JSON.parse(await readFile(`${dir}/config.json`, 'utf8')).pooler_output_size).toBe(64);
    images.forEach((_, n) => {
      expect(pooled[n].shape).toEqual([64]);
      expect(tokens[n].shape).toEqual([17, 64]); // [CLS] + (32/8)² patches
      const p = out.poolerOutput!.select(n).data;
      const t = out.lastHiddenState.select(n).data;
      pooled[n].data.forEach((v, i) => expect(Math.abs(v - p[i])).toBeLessThan(1e-5));
      tokens[n].data.forEach((v, i) => expect(Math.abs(v - t[i])).toBeLessThan(1e-5));
    });
    // The pooler is not the [CLS] token itself (tanh(dense(·))): the two paths really differ.
    expect(Math.max(...pooled[0].data.map((v, i) => Math.abs(v - tokens[0].data[i])))).toBeGreaterThan(0.01);
  });

  it('one image gives one tensor; the same image in a batch gives the same features', async () => {
    const embed = await pipeline('image-feature-extraction');
    const path = samplePath((await samples())[7]);
    const one = await embed(path);
    const [inBatch] = await embed([path, samplePath((await samples())[8])]);
    expect(one.shape).toEqual([96]);
    one.data.forEach((v, i) => expect(Math.abs(v - inBatch.data[i])).toBeLessThan(1e-6));
  });
});
