import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { ROOT, cli } from './helpers.js';

const MODEL = 'models/fashion-vit-tiny';

/** The checkpoint's own header, read directly: the reference for the tensor list and parameter count. */
async function header(): Promise<{ name: string; dtype: string; shape: number[] }[]> {
  const file = await SafetensorsFile.open(await fileSource(`${ROOT}${MODEL}/model.safetensors`));
  return file.names().map((name) => ({ name, dtype: file.info(name).dtype, shape: [...file.info(name).shape] }));
}

describe('purevit info', () => {
  it('prints the config summary, the parameter count and every tensor with dtype and shape', async () => {
    const { code, stdout, stderr } = await cli(['info', MODEL]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const tensors = await header();
    const parameters = tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    const lines = stdout.split('\n');
    expect(lines.slice(0, 10)).toEqual([
      `model        ${MODEL}`,
      'type         vit (ViTForImageClassification)',
      'hidden size  96',
      'layers       6',
      'heads        3',
      'image size   28x28',
      'patch size   4x4',
      'labels       10: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot',
      `parameters   ${parameters.toLocaleString('en-US')} (${(parameters / 1e6).toFixed(2)} M)`,
      `tensors      ${tensors.length} (${tensors.length} F32)`,
    ]);
    for (const t of tensors) expect(stdout).toMatch(new RegExp(`\\n  ${t.name.replace(/\./g, '\\.')} +${t.dtype} +\\[${t.shape.join(', ')}\\]\\n`));
    // natural order: layer 2 before layer 10 (there are 6 layers: 1 before 5)
    expect(stdout.indexOf('vit.encoder.layer.1.')).toBeLessThan(stdout.indexOf('vit.encoder.layer.5.'));
  });

  it('--json gives everything: summary, labels, parameters, dtypes, all tensors and config.json', async () => {
    const { code, stdout } = await cli(['info', MODEL, '--json']);
    expect(code).toBe(0);
    const info = JSON.parse(stdout) as Record<string, unknown> & { tensors: { name: string }[] };
    const tensors = await header();
    expect(info).toMatchObject({
      model: MODEL, modelType: 'vit', architectures: ['ViTForImageClassification'], hiddenSize: 96, layers: 6, heads: 3,
      imageSize: [28, 28], patchSize: [4, 4], labels: 10, labelNames: { 0: 'T-shirt/top', 9: 'Ankle boot' },
      parameters: tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0), dtypes: { F32: 104 },
      config: { model_type: 'vit', hidden_size: 96, patch_size: 4 },
    });
    expect([...info.tensors].sort((a, b) => a.name.localeCompare(b.name))).toEqual([...tensors].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('summarises a timm-style config from model_args (models/fashion-vit-tiny-timm: the same network in timm names)', async () => {
    const { code, stdout } = await cli(['info', `${MODEL}-timm`]);
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(1, 10)).toEqual([
      'type         timm_wrapper (vit_tiny_patch16_224)',
      'hidden size  96',
      'layers       6',
      'heads        3',
      'image size   28x28',
      'patch size   4x4',
      'labels       10: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot',
      'parameters   459,466 (0.46 M)', // the same count as the transformers-named checkpoint
      'tensors      80 (80 F32)',
    ]);
    expect(stdout).toMatch(/\n {2}blocks\.0\.attn\.qkv\.weight +F32 +\[288, 96\]\n/);
  });

  it('takes a golden checkpoint with F16 weights and 1000 labels', async () => {
    const { code, stdout } = await cli(['info', 'golden/vit_tiny_224_fp16/model']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nlabels +1000: tench, Tinca tinca, goldfish, .*, …\n/);
    expect(stdout).toMatch(/\ntensors +\d+ \(\d+ F16\)\n/);
  });
});
