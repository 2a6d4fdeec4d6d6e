// The packaged model is the repository's fashion-vit-tiny byte for byte (that copy is the one checked against
// PyTorch: goldens, the Fashion-MNIST agreement), found next to the package, and its README example runs.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MODEL_NAME, modelFiles, modelFolder } from '@purevit/fashion-vit-tiny';
import { SafetensorsFile, bytesSource } from '@purevit/weights';
import { exampleDir, runExample, tsBlocks } from '../../../test-utils/readme-examples.js';

const pkg = fileURLToPath(new URL('../', import.meta.url));
const REPO_COPY = fileURLToPath(new URL('../../../models/fashion-vit-tiny/', import.meta.url));

describe('@purevit/fashion-vit-tiny', () => {
  it('holds the repository\'s fashion-vit-tiny byte for byte: config, preprocessing, float32 weights, model card', async () => {
    expect(MODEL_NAME).toBe('@purevit/fashion-vit-tiny');
    expect(Object.keys(modelFiles)).toEqual(['config.json', 'preprocessor_config.json', 'model.safetensors']);
    expect((await readdir(fileURLToPath(modelFolder))).sort()).toEqual(['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json']);
    for (const name of [...Object.keys(modelFiles), 'README.md']) {
      const packaged = await readFile(join(fileURLToPath(modelFolder), name));
      expect(packaged.equals(await readFile(join(REPO_COPY, name))), name).toBe(true);
    }
    for (const [name, url] of Object.entries(modelFiles)) expect(url.href).toBe(new URL(name, modelFolder).href);
    const weights = await SafetensorsFile.open(bytesSource(new Uint8Array(await readFile(modelFiles['model.safetensors']))));
    expect(new Set(weights.names().map((n) => weights.info(n).dtype))).toEqual(new Set(['F32']));
  });

  it('README example runs as written', async () => {
    const dir = exampleDir('purevit-fashion-vit-tiny-readme-');
    const logs = await runExample(tsBlocks(join(pkg, 'README.md'))[0], join(dir, 'example.ts'));
    expect(logs).toEqual([[['config.json', 'preprocessor_config.json', 'model.safetensors']], [true]]);
  });
});
