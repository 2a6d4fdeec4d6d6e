import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { ViTImageProcessor } from '@purevit/image';
import {
  AutoModelForImageClassification, ViTConfig, defaultClassificationFunction, imageClassificationPipeline, pipeline, type ClassificationResult,
} from '@purevit/models';
import { GOLDEN, MODEL, samplePath, samples, sigmoid64, softmax64, torchLogits } from './fixtures.js';

const LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function expectRanked(results: ClassificationResult[], expectedScores: number[], tolerance: number): void {
  const order = expectedScores.map((_, i) => i).sort((a, b) => expectedScores[b] - expectedScores[a]);
  for (let k = 0; k < results.length; k++) {
    expect(results[k].label).toBe(LABELS[order[k]]);
    expect(Math.abs(results[k].score - expectedScores[order[k]])).toBeLessThan(tolerance);
    if (k > 0) expect(results[k].score).toBeLessThanOrEqual(results[k - 1].score);
  }
}

describe("pipeline('image-classification')", () => {
  it("the default model gives PyTorch's top-5 labels and softmax scores on the 100 samples", async () => {
    const list = await samples();
    expect(list).toHaveLength(100);
    const classify = await pipeline('image-classification');
    const results = await classify(list.map(samplePath));
    const logits = await torchLogits(list);
    expect(results).toHaveLength(100);
    results.forEach((top, n) => {
      expect(top).toHaveLength(5); // transformers' default top_k
      expect(top[0].label).toBe(LABELS[list[n].predicted]);
      // Ranks below the top may swap where PyTorch's scores are closer than our error; none are on these samples.
      expectRanked(top, softmax64(logits[n]), 2e-6);
    });
    expect(results[0][0].label).toBe('Ankle boot');
  });

  it('scores of all labels sum to 1; topK is capped at the number of labels and sorted best first', async () => {
    const classify = await pipeline('image-classification');
    const all = await classify(samplePath((await samples())[4]), { topK: 100 });
    expect(all).toHaveLength(10);
    expect(new Set(all.map((r) => r.label)).size).toBe(10);
    expect(all.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 6);
    for (let k = 1; k < all.length; k++) expect(all[k].score).toBeLessThanOrEqual(all[k - 1].score);
    const top3 = await classify(samplePath((await samples())[4]), { topK: 3 });
    expect(top3).toEqual(all.slice(0, 3));
  });

  it('batching (any batch size, uneven last batch) gives the results of one image at a time', async () => {
    const list = (await samples()).slice(0, 19).map(samplePath);
    const classify = await pipeline('image-classification', MODEL, { batchSize: 4 });
    const batched = await classify(list, { topK: 10 });
    const whole = await classify(list, { topK: 10, batchSize: 19 });
    const single = await Promise.all(list.map((p) => classify(p, { topK: 10 })));
    for (const other of [whole, single]) {
      other.forEach((top, n) => {
        expect(top.map((r) => r.label)).toEqual(batched[n].map((r) => r.label));
        top.forEach((r, k) => expect(Math.abs(r.score - batched[n][k].score)).toBeLessThan(1e-6));
      });
    }
  });

  it('reports progress after each batch', async () => {
    const list = (await samples()).slice(0, 5).map(samplePath);
    const classify = await pipeline('image-classification', MODEL);
    const seen: [number, number][] = [];
    await classify(list, { batchSize: 2, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen).toEqual([[2, 5], [4, 5], [5, 5]]);
  });

  it('sigmoid for multi-label configs (scores are sigmoid of the logits, not summing to 1); functionToApply overrides', async () => {
    const list = (await samples()).slice(0, 3);
    const model = await AutoModelForImageClassification.fromPretrained(MODEL);
    const processor = await ViTImageProcessor.fromPretrained(MODEL);
    model.config.problemType = 'multi_label_classification';
    const classify = imageClassificationPipeline(model, processor);
    const logits = await torchLogits(list);
    const results = await classify(list.map(samplePath), { topK: 10 });
    results.forEach((top, n) => expectRanked(top, sigmoid64(logits[n]), 2e-6));
    expect(results[0].reduce((s, r) => s + r.score, 0)).toBeGreaterThan(1.5);
    const raw = await classify(samplePath(list[0]), { topK: 10, functionToApply: 'none' });
    expectRanked(raw, Array.from(logits[0]), 2e-5);
    const soft = await classify(samplePath(list[0]), { topK: 10, functionToApply: 'softmax' });
    expectRanked(soft, softmax64(logits[0]), 2e-6);
  });

  it("transformers' default function by problem type and label count", () => {
    const config = (dict: object): ViTConfig => ViTConfig.fromDict(dict as never);
    expect(defaultClassificationFunction(config({ num_labels: 10 }))).toBe('softmax');
    expect(defaultClassificationFunction(config({ num_labels: 1 }))).toBe('sigmoid');
    expect(defaultClassificationFunction(config({ num_labels: 3, problem_type: 'multi_label_classification' }))).toBe('sigmoid');
    expect(defaultClassificationFunction(config({ num_labels: 1, problem_type: 'single_label_classification' }))).toBe('sigmoid');
    expect(defaultClassificationFunction(config({ num_labels: 0 }))).toBe('none');
  });

  it('the timm checkpoint of the same model (TimmWrapper, preprocessing from pretrained_cfg) gives the same labels and scores', async () => {
    // samples.json's predictions were made by timm from models/fashion-vit-tiny-timm.
    const list = await samples();
    const classify = await pipeline('image-classification', `${MODEL}-timm`);
    expect(classify.model.config.modelType).toBe('timm_wrapper');
    const results = await classify(list.map(samplePath), { topK: 10 });
    const logits = await torchLogits(list);
    results.forEach((top, n) => {
      expect(top[0].label).toBe(LABELS[list[n].predicted]);
      expectRanked(top.slice(0, 5), softmax64(logits[n]), 2e-6);
    });
  });

  it('an ImageNet ViT folder with a legacy preprocessor config: scores are softmax of the golden PyTorch logits', async () => {
    const dir = `${GOLDEN}vit_tiny_224_fp16/`;
    const io = await SafetensorsFile.open(await fileSource(`${dir}io.safetensors`));
    const expected = softmax64(await io.readFloat32('expected.logits')); // float64 forward of the fp16 weights
    const classify = await pipeline('image-classification', `${dir}model`);
    const top = await classify(`${GOLDEN}images/jpeg444_257x191.jpg`);
    const config = JSON.parse(await readFile(`${dir}model/config.json`, 'utf8')) as { id2label: Record<string, string> };
    const order = expected.map((_, i) => i).sort((a, b) => expected[b] - expected[a]);
    expect(top.map((r) => r.label)).toEqual(order.slice(0, 5).map((i) => config.id2label[i]));
    top.forEach((r, k) => expect(Math.abs(r.score - expected[order[k]])).toBeLessThan(1e-5));
  });

  it('rejects a bad topK, batchSize or functionToApply with a message naming it', async () => {
    const classify = await pipeline('image-classification');
    const image = samplePath((await samples())[0]);
    await expect(classify(image, { topK: 0 })).rejects.toThrow('topK must be a positive integer, got 0');
    await expect(classify(image, { topK: 1.5 })).rejects.toThrow('topK must be a positive integer');
    await expect(classify(image, { batchSize: 0 })).rejects.toThrow('batchSize must be a positive integer, got 0');
    await expect(classify(image, { functionToApply: 'relu' as never })).rejects.toThrow('functionToApply must be "softmax", "sigmoid" or "none", got "relu"');
    await expect(classify([])).rejects.toThrow('no images given');
    await expect(pipeline('image-classification', MODEL, { batchSize: -1 })).rejects.toThrow('batchSize must be a positive integer, got -1');
  });
});
