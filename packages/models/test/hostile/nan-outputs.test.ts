// Issue 18: a checkpoint whose weights are NaN gave exit 0 with "score": null for every label, in an
// arbitrary order. Non-finite outputs are now an error naming the image and the likely cause.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelOutputError, pipeline, topKLabels, ViTConfig } from '@purevit/models';
import { SafetensorsFile, type TensorInput } from '@purevit/weights';
import { fileSource, writeSafetensorsFile } from '@purevit/weights/platform';
import { run } from '../../../cli/src/index.js';

const MODEL = new URL('../../../../models/fashion-vit-tiny/', import.meta.url);
const SAMPLE = 'models/fashion-eval/samples/0000_9.png';
const tmp = mkdtempSync(join(tmpdir(), 'purevit-nan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The bundled model with the named tensors filled with `value`. */
async function poisoned(name: string, tensors: string[], value: number): Promise<string> {
  const dir = join(tmp, name);
  cpSync(MODEL, dir, { recursive: true });
  const file = await SafetensorsFile.open(await fileSource(join(dir, 'model.safetensors')));
  const inputs: Record<string, TensorInput> = {};
  for (const key of file.names()) {
    const data = await file.readFloat32(key);
    inputs[key] = { dtype: 'F32', shape: [...file.tensors.get(key)!.shape], data: tensors.includes(key) ? new Float32Array(data.length).fill(value) : data };
  }
  await writeSafetensorsFile(join(dir, 'model.safetensors'), inputs);
  return dir;
}

let nanClassifier: string;
let nanNorm: string;
beforeAll(async () => {
  nanClassifier = await poisoned('nan-classifier', ['classifier.weight'], NaN);
  nanNorm = await poisoned('nan-norm', ['vit.layernorm.weight'], NaN);
});

describe('NaN outputs are errors, not null scores', () => {
  it('image-classification: a ModelOutputError naming the image and the cause', async () => {
    const classify = await pipeline('image-classification', nanClassifier);
    const error = await classify([SAMPLE, SAMPLE]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelOutputError);
    expect((error as Error).message).toBe(
      `${SAMPLE}: the model's logits hold NaN (10 of 10 values): the checkpoint's weights or its config are broken (e.g. NaN weights, a bad layer_norm_eps)`,
    );
  });

  it('the CLI exits 1 with that one line, and prints nothing on stdout', async () => {
    let stdout = '';
    let stderr = '';
    const code = await run(['classify', SAMPLE, '--json', '--model', nanClassifier], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s), isTTY: false, columns: 100 } });
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(/^purevit: models\/fashion-eval\/samples\/0000_9\.png: the model's logits hold NaN \(10 of 10 values\)/);
  });

  it('feature extraction checks its outputs too', async () => {
    const extract = await pipeline('image-feature-extraction', nanNorm);
    await expect(extract(SAMPLE)).rejects.toThrow(/the model's features hold NaN/);
  });

  it('±Infinity logits are named as such; finite logits rank as before', () => {
    const config = ViTConfig.fromDict({ num_labels: 3 });
    expect(() => topKLabels(Float32Array.from([1, Infinity, 0]), config, 3, 'softmax', 'x.png')).toThrow(/^x\.png: the model's logits hold ±Infinity \(1 of 3 values\)/);
    expect(topKLabels(Float32Array.from([1, 3, 2]), config, 2, 'softmax').map((r) => r.label)).toEqual(['LABEL_1', 'LABEL_2']);
  });
});
