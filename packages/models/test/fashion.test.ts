import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
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

interface PreprocessorConfig {
  do_rescale: boolean;
  rescale_factor: number;
  do_normalize: boolean;
  image_mean: number[];
  image_std: number[];
  size: { height: number; width: number };
}

/**
 * ViTImageProcessor on a 28×28 gray PNG, from the model folder's preprocessor_config.json: gray →
 * RGB, resize to the same size is PIL's identity, float32(x · rescale_factor), float32((x − mean) / std).
 */
async function pixelValues(files: string[], config: PreprocessorConfig): Promise<Tensor> {
  const { height, width } = config.size;
  const out = Tensor.zeros([files.length, 3, height, width]);
  for (let n = 0; n < files.length; n++) {
    const png = PNG.sync.read(await readFile(`${EVAL}samples/${files[n]}`));
    expect([png.width, png.height]).toEqual([width, height]);
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < height * width; p++) {
        let v = png.data[p * 4 + c]; // pngjs expands gray to RGBA
        if (config.do_rescale) v = Math.fround(v * config.rescale_factor);
        if (config.do_normalize) v = Math.fround((v - config.image_mean[c]) / config.image_std[c]);
        out.data[(n * 3 + c) * height * width + p] = v;
      }
    }
  }
  return out;
}

describe('fashion-vit-tiny (the default model)', () => {
  it('predicts what PyTorch predicted on the 100 samples', async () => {
    const samples = JSON.parse(await readFile(`${EVAL}samples.json`, 'utf8')) as Sample[];
    const config = JSON.parse(await readFile(`${MODEL}preprocessor_config.json`, 'utf8')) as PreprocessorConfig;
    expect(samples).toHaveLength(100);
    const model = await ViTForImageClassification.fromPretrained(MODEL);
    expect(model.loadReport).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const { logits } = await model.forward({ pixelValues: await pixelValues(samples.map((s) => s.file), config) });
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
