import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, resize, type RgbImage } from '@purevit/image';
import { pipeline, type AttentionMethod } from '@purevit/models';
import { SAMPLE, cli } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-cli-attention-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * The colour the map put at the centre of patch p: the PNG is 0.5·image + 0.5·colour over the image
 * enlarged 8× (nearest), so colour = 2·png - image there; returned as its brightness (R + G + B).
 */
function heatAt(png: RgbImage, image: RgbImage, p: number): number {
  const x = (p % 7) * 32 + 16;
  const y = Math.floor(p / 7) * 32 + 16;
  let sum = 0;
  for (let c = 0; c < 3; c++) sum += 2 * png.data[(y * 224 + x) * 3 + c] - image.data[(y * 224 + x) * 3 + c];
  return sum;
}

async function check(method: AttentionMethod, flags: string[]): Promise<Uint8Array> {
  const out = join(dir, `${method}.png`);
  const { code, stdout, stderr } = await cli(['attention', SAMPLE, '--out', out, ...flags]);
  expect(code).toBe(0);
  expect(stderr).toBe('');
  const what = method === 'rollout' ? 'attention rollout' : 'last-layer attention';
  expect(stdout).toBe(`wrote ${out} (224x224): [CLS] ${what} over a 7x7 patch grid, @purevit/fashion-vit-tiny\n`);
  const bytes = new Uint8Array(await readFile(out));
  const png = decodeImage(bytes);
  expect([png.width, png.height]).toEqual([224, 224]); // 28×28 enlarged 8×

  // The map's hottest patch is drawn bright, its coldest dark, wherever they are on the garment.
  const map = await (await pipeline('attention-map'))(SAMPLE, { method });
  const order = Array.from(map.values.keys()).sort((a, b) => map.values[b] - map.values[a]);
  const image = resize(map.image, 224, 224, 'nearest');
  const hot = heatAt(png, image, order[0]);
  const cold = heatAt(png, image, order[48]);
  expect(hot).toBeGreaterThan(cold + 300);
  // Brightness follows the attention order: the top five patches are all brighter than the bottom five.
  const top = order.slice(0, 5).map((p) => heatAt(png, image, p));
  const bottom = order.slice(-5).map((p) => heatAt(png, image, p));
  expect(Math.min(...top)).toBeGreaterThan(Math.max(...bottom));
  return bytes;
}

describe('purevit attention', () => {
  it('writes a PNG heat map of the last layer [CLS] attention, bright where attention is high', async () => {
    await check('last-layer', []);
  });

  it('--rollout: attention rollout through all layers, a different map', async () => {
    const rollout = await check('rollout', ['--rollout']);
    const last = await check('last-layer', []);
    expect(Buffer.from(rollout).equals(last)).toBe(false);
  });

  it('--json also prints the map', async () => {
    const out = join(dir, 'json.png');
    const { code, stdout } = await cli(['attention', SAMPLE, '-o', out, '--rollout', '--json', '--model', 'models/fashion-vit-tiny']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { image: string; out: string; method: string; grid: number[]; width: number; height: number; attention: number[] };
    const map = await (await pipeline('attention-map'))(SAMPLE, { method: 'rollout' });
    expect(result).toEqual({ image: SAMPLE, out, method: 'rollout', grid: [7, 7], width: 224, height: 224, attention: Array.from(map.values) });
  });
});
