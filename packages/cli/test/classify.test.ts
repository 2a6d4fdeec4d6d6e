import { describe, expect, it } from 'vitest';
import { pipeline } from '@purevit/models';
import { SAMPLE, SAMPLE2, SAMPLE3, cli } from './helpers.js';

interface JsonResult {
  image: string;
  predictions: { label: string; score: number }[];
}

describe('purevit classify', () => {
  it('prints the top-5 labels of the bundled model, best first (the README command)', async () => {
    const { code, stdout, stderr } = await cli(['classify', SAMPLE]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(SAMPLE);
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^ +78\.01% {2}Ankle boot$/);
    const scores = lines.slice(1).map((l) => Number(/([\d.]+)%/.exec(l)![1]));
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThanOrEqual(scores[k - 1]);
  });

  it('--json: one array of {image as given, predictions best first} with the pipeline scores', async () => {
    const { code, stdout } = await cli(['classify', SAMPLE, SAMPLE2, SAMPLE3, '--json']);
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as JsonResult[];
    expect(results.map((r) => r.image)).toEqual([SAMPLE, SAMPLE2, SAMPLE3]);
    expect(results.map((r) => r.predictions[0].label)).toEqual(['Ankle boot', 'Pullover', 'Trouser']);
    const expected = await (await pipeline('image-classification'))([SAMPLE, SAMPLE2, SAMPLE3]);
    results.forEach((r, n) => {
      expect(Object.keys(r)).toEqual(['image', 'predictions']);
      expect(r.predictions).toEqual(expected[n]);
    });
  });

  it('--top-k / -k and --model, --batch-size, flags before or after the images, --flag=value', async () => {
    const a = JSON.parse((await cli(['classify', '--top-k', '2', SAMPLE, SAMPLE2, '--json'])).stdout) as JsonResult[];
    expect(a.map((r) => r.predictions.length)).toEqual([2, 2]);
    const b = JSON.parse((await cli(['classify', SAMPLE, SAMPLE2, '-k', '10', '--model', 'models/fashion-vit-tiny', '--batch-size=1', '--json'])).stdout) as JsonResult[];
    expect(b[0].predictions).toHaveLength(10);
    expect(b[0].predictions.slice(0, 2)).toEqual(a[0].predictions);
    expect(b[0].predictions.reduce((s, p) => s + p.score, 0)).toBeCloseTo(1, 5);
    const c = JSON.parse((await cli(['classify', '--top-k=20', '--json', SAMPLE])).stdout) as JsonResult[];
    expect(c[0].predictions).toHaveLength(10); // capped at the number of labels
  });

  it('several images in text mode: a block per image in argument order', async () => {
    const { code, stdout } = await cli(['classify', SAMPLE3, SAMPLE, '--top-k', '1']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${SAMPLE3}\\n +[\\d.]+% {2}Trouser\\n${SAMPLE}\\n +78\\.01% {2}Ankle boot\\n$`));
  });

  it('--model with a timm-style folder (the same model in timm names) gives the same predictions', async () => {
    const hf = await cli(['classify', SAMPLE, SAMPLE2, '--json']);
    const timm = await cli(['classify', SAMPLE, SAMPLE2, '--json', '--model', 'models/fashion-vit-tiny-timm']);
    expect(timm.code).toBe(0);
    const [a, b] = [JSON.parse(hf.stdout) as JsonResult[], JSON.parse(timm.stdout) as JsonResult[]];
    b.forEach((r, n) => {
      expect(r.predictions.map((p) => p.label)).toEqual(a[n].predictions.map((p) => p.label));
      r.predictions.forEach((p, k) => expect(Math.abs(p.score - a[n].predictions[k].score)).toBeLessThan(1e-6));
    });
  });

  it('an image given as a file: URL', async () => {
    const url = new URL(`../../../${SAMPLE2}`, import.meta.url).href;
    const { code, stdout } = await cli(['classify', url, '--json', '-k', '1']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([{ image: url, predictions: [expect.objectContaining({ label: 'Pullover' })] }]);
  });
});
