import { describe, expect, it } from 'vitest';
import { ViTImageProcessor } from '@purevit/image';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import {
  AutoModel, ViTConfig, attentionRollout, clsAttention, heatMapOverlay, inferno, patchGrid, pipeline, upsampleMap,
} from '@purevit/models';
import { GOLDEN, MODEL, samplePath, samples } from './fixtures.js';

/** Rollout the long way, as the paper writes it: full matrices, R = Â_L · … · Â_1, then row 0. */
function rolloutReference(layers: Float32Array[], heads: number, tokens: number): number[][] {
  const T = tokens;
  let r: number[][] | null = null;
  for (const a of layers) {
    const hat = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => {
      let s = 0;
      for (let h = 0; h < heads; h++) s += a[(h * T + i) * T + j];
      return s / heads + (i === j ? 1 : 0);
    }));
    for (const row of hat) {
      const sum = row.reduce((x, y) => x + y, 0);
      row.forEach((v, j) => (row[j] = v / sum));
    }
    const prev: number[][] | null = r;
    r = prev === null ? hat : hat.map((row) => Array.from({ length: T }, (_, j) => row.reduce((s, v, k) => s + v * prev[k][j], 0)));
  }
  return r!;
}

async function goldenAttentions(): Promise<Float32Array[]> {
  const io = await SafetensorsFile.open(await fileSource(`${GOLDEN}vit_model_basic/io.safetensors`));
  return Promise.all([0, 1, 2, 3].map((l) => io.readFloat32(`expected.attentions.${l}`))); // each [2, 4, 17, 17]
}

describe('clsAttention and attentionRollout', () => {
  it("rollout of PyTorch's attentions (golden vit_model_basic) equals the full-matrix product", async () => {
    const attentions = await goldenAttentions();
    const per = 4 * 17 * 17;
    for (let b = 0; b < 2; b++) {
      const layers = attentions.map((a) => a.slice(b * per, (b + 1) * per));
      const expected = rolloutReference(layers, 4, 17)[0];
      const got = attentionRollout(layers, 4, 17);
      expect(got).toHaveLength(16);
      got.forEach((v, j) => expect(Math.abs(v - expected[j + 1])).toBeLessThan(1e-6));
      // Rows of the rollout are distributions: [CLS] keeps the rest of the mass.
      expect(got.reduce((s, v) => s + v, 0) + expected[0]).toBeCloseTo(1, 5);
      // The last layer's [CLS] row, heads averaged.
      const last = clsAttention(layers[3], 4, 17);
      last.forEach((v, j) => {
        const mean = [0, 1, 2, 3].reduce((s, h) => s + layers[3][(h * 17 + 0) * 17 + j + 1], 0) / 4;
        expect(v).toBeCloseTo(mean, 7);
      });
    }
  });

  it('one layer, one head, worked by hand: rollout = (A[0] + e0) / 2 over the patches', () => {
    // tokens: [CLS], p1, p2; row 0 of A = [0.2, 0.5, 0.3]
    const a = Float32Array.from([0.2, 0.5, 0.3, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4]);
    expect(Array.from(clsAttention(a, 1, 3))).toEqual([0.5, 0.30000001192092896]);
    const r = attentionRollout([a], 1, 3);
    expect(r[0]).toBeCloseTo(0.25, 7);
    expect(r[1]).toBeCloseTo(0.15, 7);
    // Two layers: row 0 of Â2·Â1 with Â = (A + I) / 2.
    const two = attentionRollout([a, a], 1, 3);
    const hat = [[0.6, 0.25, 0.15], [0.05, 0.9, 0.05], [0.15, 0.15, 0.7]];
    const row0 = [0, 1, 2].map((j) => hat[0].reduce((s, v, k) => s + v * hat[k][j], 0));
    expect(two[0]).toBeCloseTo(row0[1], 7);
    expect(two[1]).toBeCloseTo(row0[2], 7);
  });

  it('several prefix tokens are skipped; wrong sizes are rejected', () => {
    const a = new Float32Array(2 * 4 * 4).fill(0.25);
    expect(Array.from(clsAttention(a, 2, 4, 2))).toEqual([0.25, 0.25]);
    expect(() => clsAttention(a, 3, 4)).toThrow('expected [3, 4, 4] = 48 values, got 32');
    expect(() => attentionRollout([], 1, 4)).toThrow('no layers');
  });

  it('patchGrid reads the patch size from the config', () => {
    const config = ViTConfig.fromDict({ patch_size: 4, image_size: 28 });
    expect(patchGrid(config, 28, 28, 50)).toEqual({ grid: [7, 7], prefix: 1 });
    expect(patchGrid(config, 28, 40, 71)).toEqual({ grid: [7, 10], prefix: 1 });
    expect(() => patchGrid(config, 28, 28, 49)).toThrow('49 tokens do not hold a [CLS] token and a 7x7 patch grid');
  });
});

describe("pipeline('attention-map')", () => {
  it("maps are the [CLS] attention / rollout of the model's own attentions, per image of a batch", async () => {
    const list = (await samples()).slice(0, 5).map(samplePath);
    const attend = await pipeline('attention-map', undefined, { batchSize: 2 });
    const last = await attend(list);
    const rollout = await attend(list, { method: 'rollout' });
    const model = await AutoModel.fromPretrained(MODEL);
    const { pixelValues } = await (await ViTImageProcessor.fromPretrained(MODEL)).preprocess(list);
    const { attentions } = await model.forward({ pixelValues, outputAttentions: true });
    expect(attentions).toHaveLength(6);
    list.forEach((_, n) => {
      const layers = attentions!.map((a) => a.select(n).data);
      expect(last[n].method).toBe('last-layer');
      expect(last[n].grid).toEqual([7, 7]);
      expect(last[n].image.width).toBe(28);
      const expectedLast = clsAttention(layers[5], 3, 50);
      last[n].values.forEach((v, j) => expect(Math.abs(v - expectedLast[j])).toBeLessThan(1e-6));
      const expectedRollout = rolloutReference(layers, 3, 50)[0];
      expect(rollout[n].method).toBe('rollout');
      rollout[n].values.forEach((v, j) => expect(Math.abs(v - expectedRollout[j + 1])).toBeLessThan(1e-6));
    });
  });

  it('rollout puts more attention on the garment than on the empty background, on every one of the 100 samples', async () => {
    // A property of the trained demo model (measured: garment/background mean ratio 1.006 … 1.5); a map
    // of the wrong token, layer order or grid orientation does not have it.
    const list = await samples();
    const maps = await (await pipeline('attention-map'))(list.map(samplePath), { method: 'rollout' });
    for (const m of maps) {
      const [object, background] = [[0, 0], [0, 0]];
      for (let p = 0; p < 49; p++) {
        const [gy, gx] = [Math.floor(p / 7), p % 7];
        let ink = 0;
        for (let y = gy * 4; y < gy * 4 + 4; y++) for (let x = gx * 4; x < gx * 4 + 4; x++) ink += m.image.data[(y * 28 + x) * 3];
        const bucket = ink / 16 > 20 ? object : background;
        bucket[0] += m.values[p];
        bucket[1]++;
      }
      if (background[1] > 0) expect(object[0] / object[1]).toBeGreaterThan(background[0] / background[1]);
    }
  });

  it('rejects an unknown method', async () => {
    const attend = await pipeline('attention-map');
    await expect(attend(samplePath((await samples())[0]), { method: 'max' as never })).rejects.toThrow('method must be "last-layer" or "rollout", got "max"');
  });
});

describe('heatMapOverlay', () => {
  const grid = [2, 2] as const;
  const values = Float32Array.from([0, 1, 2, 3]);
  const image = { data: new Uint8Array(28 * 28 * 3).fill(100), width: 28, height: 28 };

  it('enlarges small images to at least minSize, keeps large ones, and blends (1 - alpha)·image + alpha·colour', () => {
    const out = heatMapOverlay(image, values, grid);
    expect([out.width, out.height]).toEqual([224, 224]);
    expect(heatMapOverlay(image, values, grid, { minSize: 20 }).width).toBe(28);
    const opaque = heatMapOverlay(image, values, grid, { alpha: 1, minSize: 1 });
    const heat = upsampleMap(values, grid, 28, 28);
    for (const p of [0, 27, 28 * 14 + 14, 28 * 28 - 1]) {
      const c = inferno(heat[p]);
      expect(Array.from(opaque.data.subarray(p * 3, p * 3 + 3))).toEqual(c.map(Math.round));
    }
    const clear = heatMapOverlay(image, values, grid, { alpha: 0 });
    expect(clear.data.every((v) => v === 100)).toBe(true);
    // top-left (value 0) is dark, bottom-right (value 3) is bright
    const lum = (p: number): number => out.data[p * 3] + out.data[p * 3 + 1] + out.data[p * 3 + 2];
    expect(lum(224 * 224 - 1)).toBeGreaterThan(lum(0) + 200);
  });

  it('upsampleMap is bilinear (F.interpolate) scaled to [0, 1]; a flat map is all 0', () => {
    const heat = upsampleMap(values, grid, 4, 4);
    // align_corners=False, 2 → 4: rows/cols at source coordinates -0.25, 0.25, 0.75, 1.25 (clamped to 0 and 1)
    expect(Array.from(heat)).toEqual([0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12].map((v) => Math.fround(v / 12)));
    expect(upsampleMap(new Float32Array(4).fill(0.3), grid, 3, 3).every((v) => v === 0)).toBe(true);
    expect(() => upsampleMap(values, [3, 3], 4, 4)).toThrow('4 values do not fill a 3x3 grid');
  });

  it('inferno runs from black to pale yellow', () => {
    expect(inferno(0)).toEqual([0, 0, 4]);
    expect(inferno(1)).toEqual([252, 255, 164]);
    expect(inferno(-1)).toEqual([0, 0, 4]);
    expect(inferno(0.0625)).toEqual([15.5, 6, 38]);
  });

  it('rejects an alpha outside [0, 1]', () => {
    expect(() => heatMapOverlay(image, values, grid, { alpha: 2 })).toThrow('alpha must be in [0, 1], got 2');
  });
});
