import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '@purevit/models';
import { DemoEngine } from '../src/engine.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'purevit-demo-relatives-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A hub-style folder: a golden distilled DeiT with the DeiTImageProcessor config its hub repos carry (sized to the checkpoint). */
async function distilledDeiT(): Promise<string> {
  const folder = await mkdtemp(join(dir, 'deit-'));
  for (const file of ['config.json', 'model.safetensors']) await copyFile(`${ROOT}golden/deit_distilled/model/${file}`, join(folder, file));
  await writeFile(join(folder, 'preprocessor_config.json'), JSON.stringify({ feature_extractor_type: 'DeiTFeatureExtractor', size: 36, crop_size: 32, resample: 3 }));
  return folder;
}

describe("the demo page's engine on a distilled DeiT (what the page runs for a model folder it is given)", () => {
  it('scores as the classification pipeline does and maps [CLS] attention over the patches, past the distillation token', async () => {
    const folder = await distilledDeiT();
    const engine = await DemoEngine.load(folder);
    const bytes = new Uint8Array(await readFile(`${ROOT}golden/images/jpeg420_331x247.jpg`));
    const analysis = await engine.analyze(bytes);
    // The page asks for attentions (eager attention), the pipeline does not (fused): the same scores up to rounding.
    const expected = await (await pipeline('image-classification', folder))(bytes);
    expect(analysis.top.map((r) => r.label)).toEqual(expected.map((r) => r.label));
    analysis.top.forEach((r, i) => expect(Math.abs(r.score - expected[i].score)).toBeLessThan(1e-6));
    expect(engine.supportsAttention).toBe(true);
    expect(analysis.tokens).toBe(18); // [CLS, DIST] + 4x4 patches
    const map = engine.attentionMap(analysis, 'last-layer')!;
    expect(map.grid).toEqual([4, 4]);
    expect(map.values).toHaveLength(16);
    expect(engine.attentionMap(analysis, 'rollout')!.values).toHaveLength(16);
    await engine.dispose();
  });
});
