import { describe, expect, it } from 'vitest';
import {
  ImageError,
  TimmWrapperImageProcessor,
  ViTImageProcessor,
  decodeImage,
  resolveDataConfig,
  resize,
} from '@purevit/image';
import { GOLDEN, goldenBytes, goldenJson, maxAbsDiff, openGolden, readRgb, sameBytes } from '../helpers/golden.js';

describe('processor API', () => {
  it('preprocess takes paths, bytes and decoded images, one or a batch', async () => {
    const p = ViTImageProcessor.fromConfig(goldenJson('vitproc_default/preprocessor_config.json'));
    const io = await openGolden('vitproc_default/io.safetensors');
    const expected = await io.readFloat32('expected.pixel_values');
    // input_sources: images/jpeg444_257x191.jpg and images/gray_37x53.png, decoded exactly.
    const sources = [`${GOLDEN}images/jpeg444_257x191.jpg`, goldenBytes('images/gray_37x53.png')];
    const { pixelValues } = await p.preprocess(sources);
    expect([...pixelValues.shape]).toEqual([2, 3, 224, 224]);
    expect(maxAbsDiff(pixelValues.data, expected)).toBeLessThanOrEqual(1e-6);
    const single = await p.preprocess(sources[0]);
    expect([...single.pixelValues.shape]).toEqual([1, 3, 224, 224]);
    expect(maxAbsDiff(single.pixelValues.data, expected.subarray(0, 3 * 224 * 224))).toBeLessThanOrEqual(1e-6);
  });

  it('timm processors preprocess from files too (decoded input_sources equal the stored inputs)', async () => {
    for (const name of ['timmproc_vit_224_center', 'timmproc_squash', 'timmproc_bilinear', 'timmproc_border']) {
      const c = goldenJson<{ input_sources: string[] }>(`${name}/case.json`);
      const file = c.input_sources[0].replace(' (after exif_transpose)', '');
      const io = await openGolden(`${name}/io.safetensors`);
      const stored = await readRgb(io, 'input.images.0');
      expect(sameBytes(decodeImage(goldenBytes(file)).data, stored.data)).toBe(true);
      const p = TimmWrapperImageProcessor.fromConfig(goldenJson(`${name}/config.json`));
      const { pixelValues } = await p.preprocess(`${GOLDEN}${file}`);
      expect(maxAbsDiff(pixelValues.data, await io.readFloat32('expected.pixel_values'))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('a batch of different sizes without resizing is an error', () => {
    const p = new ViTImageProcessor({ doResize: false });
    const a = decodeImage(goldenBytes('images/gray_37x53.png'));
    const b = resize(a, 10, 10);
    expect(() => p.preprocessRgb([a, b])).toThrow(/different sizes/);
  });

  it('resolveDataConfig: TimmWrapper ignores test sizes, timm\'s useTestSize uses them, defaults are timm\'s', () => {
    const cfg = goldenJson<{ pretrained_cfg: Record<string, unknown> }>('timmproc_resnet50_a1_wrapper/config.json').pretrained_cfg;
    const wrapper = TimmWrapperImageProcessor.fromConfig({ pretrained_cfg: cfg });
    expect([wrapper.inputSize, wrapper.cropPct]).toEqual([[3, 224, 224], 0.95]);
    const test = resolveDataConfig(cfg, { useTestSize: true });
    expect([test.inputSize, test.cropPct]).toEqual([[3, 288, 288], 1.0]);
    expect(resolveDataConfig({})).toEqual({
      inputSize: [3, 224, 224],
      interpolation: 'bicubic',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      cropPct: 0.875,
      cropMode: 'center',
    });
    expect(resolveDataConfig({}, { args: { mean: [0.5], std: [0.25] } })).toMatchObject({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    expect(() => resolveDataConfig({ crop_mode: 'zoom' })).toThrow(ImageError);
    expect(() => resolveDataConfig({ interpolation: 'random' })).toThrow(/unknown resampling filter/);
  });

  it('timm geometry: crop_pct > 1 pads (CenterCrop with 0), border mode pads with round(255 * mean)', () => {
    const img = decodeImage(goldenBytes('images/gray_37x53.png'));
    const center = TimmWrapperImageProcessor.fromConfig({ pretrained_cfg: { input_size: [3, 64, 64], crop_pct: 1.25, interpolation: 'bilinear' } });
    // Resize(floor(64 / 1.25) = 51): 37x53 → 51x73; CenterCrop(64) pads 13 columns (6 left, 7 right) and crops rows.
    expect(center.transform.geometry(37, 53)).toEqual({ resizedWidth: 51, resizedHeight: 73, cropLeft: -6, cropTop: 4 });
    const out = center.transform.resizeAndCrop(img);
    expect(out.data.subarray(0, 6 * 3).every((v) => v === 0)).toBe(true);
    const border = TimmWrapperImageProcessor.fromConfig({ pretrained_cfg: { input_size: [3, 64, 64], crop_pct: 1.0, crop_mode: 'border' } });
    expect(border.transform.fill).toEqual([124, 116, 104]);
    const b = border.transform.resizeAndCrop(img);
    expect(Array.from(b.data.subarray(0, 3))).toEqual([124, 116, 104]);
  });
});
