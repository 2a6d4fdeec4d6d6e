import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '@purevit/image';
import { pipeline } from '@purevit/models';
import { ROOT, cli } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-cli-relatives-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const IMAGE = 'golden/images/rgb_480x360.png';

/** A hub-style model folder: a golden checkpoint with the preprocessor_config.json its family's repos carry. */
async function modelFolder(caseName: string, preprocessor: Record<string, unknown>): Promise<string> {
  const folder = await mkdtemp(join(dir, `${caseName}-`));
  for (const file of ['config.json', 'model.safetensors']) await copyFile(`${ROOT}golden/${caseName}/model/${file}`, join(folder, file));
  await writeFile(join(folder, 'preprocessor_config.json'), JSON.stringify(preprocessor));
  return folder;
}

describe("the CLI on the ViT family's relatives", () => {
  it('info summarises a DINOv2 config with transformers\' defaults applied', async () => {
    const { code, stdout } = await cli(['info', 'golden/dinov2_swiglu/model', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ modelType: 'dinov2', architectures: ['Dinov2Model'], hiddenSize: 64, layers: 2, heads: 4, imageSize: [32, 32], patchSize: [8, 8] });
  });

  it('classify --model runs a distilled DeiT with its DeiTImageProcessor, as the pipeline does', async () => {
    const model = await modelFolder('deit_distilled', { image_processor_type: 'DeiTImageProcessor', size: 36, crop_size: 32 });
    const { code, stdout, stderr } = await cli(['classify', IMAGE, '--model', model, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [result] = JSON.parse(stdout) as { predictions: unknown[] }[];
    expect(result.predictions).toEqual((await (await pipeline('image-classification', model))([IMAGE]))[0]);
  });

  it('attention --model draws [CLS] attention over DINOv2-with-registers patches (registers left out)', async () => {
    const model = await modelFolder('dinov2_reg_model', { image_processor_type: 'BitImageProcessor', size: { shortest_edge: 48 }, crop_size: { height: 48, width: 48 } });
    const out = join(dir, 'map.png');
    const { code, stdout } = await cli(['attention', IMAGE, '--model', model, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/over a 6x6 patch grid/);
    expect(decodeImage(new Uint8Array(await readFile(out))).width).toBeGreaterThan(0);
  });
});
