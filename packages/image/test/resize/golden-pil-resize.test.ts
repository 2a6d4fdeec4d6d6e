import { describe, expect, it } from 'vitest';
import { resize, type Resample } from '@purevit/image';
import { compareBytes, goldenJson, openGolden, readRgb } from '../helpers/golden.js';

interface ResizeCase {
  ops: { input: string; size_wh: [number, number]; resample: string; resample_id: number; output: string }[];
}

const cases = goldenJson<ResizeCase>('pil_resize/case.json');

describe('golden pil_resize: PIL Image.resize bit for bit', async () => {
  const file = await openGolden('pil_resize/io.safetensors');
  it.each(cases.ops.map((op) => [op.output, op] as const))('%s', async (_name, op) => {
    const input = await readRgb(file, op.input);
    const expected = await readRgb(file, op.output);
    const [w, h] = op.size_wh;
    for (const resample of [op.resample as Resample, op.resample_id as Resample]) {
      const actual = resize(input, w, h, resample);
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      expect(compareBytes(actual.data, expected.data).differing).toBe(0);
    }
  });
});
