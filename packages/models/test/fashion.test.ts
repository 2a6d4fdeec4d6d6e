import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ViTImageProcessor } from '@purevit/image';
import { ViTForImageClassification } from '@purevit/models';

const MODEL = fileURLToPath(new URL('../../../models/fashion-vit-tiny/', import.meta.url));
const EVAL = fileURLToPath(new URL('../../../models/fashion-eval/', import.meta.url));

interface Sample {
  file: string;
  label: number;
  label_name: string;
  test_index: number;
  predicted: number;
}

describe('fashion-vit-tiny (the default model)', () => {
  it("predicts what PyTorch predicted on the 100 samples, through the folder's own preprocessor_config.json", async () => {
    const samples = JSON.parse(await readFile(`${EVAL}samples.json`, 'utf8')) as Sample[];
    expect(samples).toHaveLength(100);
    const processor = await ViTImageProcessor.fromPretrained(MODEL);
    const model = await ViTForImageClassification.fromPretrained(MODEL);
    expect(model.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const { pixelValues } = await processor.preprocess(samples.map((s) => `${EVAL}samples/${s.file}`));
    expect(pixelValues.shape).toEqual([100, 3, 28, 28]);
    const { logits } = await model.forward({ pixelValues });
    const predicted = Array.from({ length: samples.length }, (_, n) => argmax(logits.data.subarray(n * 10, n * 10 + 10)));
    expect(predicted).toEqual(samples.map((s) => s.predicted));
    expect(model.config.labelOf(predicted[0])).toBe(samples[0].label_name);
  });
});

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
