import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '@purevit/models';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { SAMPLE, SAMPLE2, cli } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-cli-embed-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function expectedFeatures(pool = true): Promise<Float32Array[]> {
  const features = await (await pipeline('image-feature-extraction'))([SAMPLE, SAMPLE2], { pool });
  return features.map((f) => f.data);
}

describe('purevit embed', () => {
  it('prints one line per image: the image, the shape and the pooled features', async () => {
    const { code, stdout, stderr } = await cli(['embed', SAMPLE, SAMPLE2]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const expected = await expectedFeatures();
    lines.forEach((line, n) => {
      const [image, shape, values] = line.split('\t');
      expect(image).toBe([SAMPLE, SAMPLE2][n]);
      expect(shape).toBe('[96]');
      expect(Float32Array.from(values.split(' ').map(Number))).toEqual(expected[n]);
    });
  });

  it('--json: [{image, shape, features}]', async () => {
    const { code, stdout } = await cli(['embed', SAMPLE, '--json']);
    expect(code).toBe(0);
    const [row] = JSON.parse(stdout) as { image: string; shape: number[]; features: number[] }[];
    expect(row.image).toBe(SAMPLE);
    expect(row.shape).toEqual([96]);
    expect(Float32Array.from(row.features)).toEqual((await expectedFeatures())[0]);
  });

  it('--out writes features [N, D] with the images in __metadata__ (read back with SafetensorsFile)', async () => {
    const out = join(dir, 'features.safetensors');
    const { code, stdout } = await cli(['embed', SAMPLE, SAMPLE2, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote ${out}: features [2, 96] float32 (2 images)\n`);
    const file = await SafetensorsFile.open(await fileSource(out));
    expect(file.names()).toEqual(['features']);
    expect(file.info('features')).toMatchObject({ dtype: 'F32', shape: [2, 96] });
    expect(JSON.parse(file.metadata!.images)).toEqual([SAMPLE, SAMPLE2]);
    expect(file.metadata).toMatchObject({ model: '@purevit/fashion-vit-tiny', pooling: 'pooled' });
    const data = await file.readFloat32('features');
    const expected = await expectedFeatures();
    expect(data.slice(0, 96)).toEqual(expected[0]);
    expect(data.slice(96)).toEqual(expected[1]);
  });

  it('--tokens --out writes every token [N, tokens, D]; --json reports what was written', async () => {
    const out = join(dir, 'tokens.safetensors');
    const { code, stdout } = await cli(['embed', SAMPLE, SAMPLE2, '--tokens', '-o', out, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ out, tensor: 'features', shape: [2, 50, 96], dtype: 'F32', images: [SAMPLE, SAMPLE2] });
    const file = await SafetensorsFile.open(await fileSource(out));
    expect(file.metadata?.pooling).toBe('tokens');
    const data = await file.readFloat32('features');
    const expected = await expectedFeatures(false);
    expect(data.slice(50 * 96)).toEqual(expected[1]);
  });
});
