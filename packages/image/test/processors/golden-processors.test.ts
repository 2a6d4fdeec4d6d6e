import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TimmEvalTransform,
  TimmWrapperImageProcessor,
  ViTImageProcessor,
  resolveDataConfig,
  timmPixelValues,
  type TimmPretrainedCfg,
} from '@purevit/image';
import { GOLDEN, goldenJson, maxAbsDiff, openGolden, readRgb } from '../helpers/golden.js';

interface ProcessorCase {
  class: 'ViTImageProcessor' | 'TimmWrapperImageProcessor' | 'timm.data.create_transform';
  processor_config: string;
  inputs: { images: string[] };
  outputs: { pixel_values: string };
  resolved?: { do_resize: boolean; size: { height: number; width: number }; resample: string; rescale_factor: number; image_mean: number[]; image_std: number[] };
  resolved_data_config?: { input_size: number[]; interpolation: string; mean: number[]; std: number[]; crop_pct: number; crop_mode: string };
  transform?: string[];
  intermediate_geometry?: { resized_wh: [number, number]; crop_left_top: [number, number] }[];
}

/** golden/README.md §4: pixel_values within 1e-6 given the same uint8 input. */
const ATOL = 1e-6;

const caseNames = readdirSync(GOLDEN).filter((n) => n.startsWith('vitproc_') || n.startsWith('timmproc_')).sort();

describe('golden image_processor cases', () => {
  it('finds the processor cases', () => {
    expect(caseNames.length).toBe(10);
  });

  it.each(caseNames)('%s', async (name) => {
    const c = goldenJson<ProcessorCase>(`${name}/case.json`);
    const config = goldenJson<Record<string, unknown>>(`${name}/${c.processor_config}`);
    const io = await openGolden(`${name}/io.safetensors`);
    const images = await Promise.all(c.inputs.images.map((n) => readRgb(io, n)));
    const expected = await io.readFloat32(c.outputs.pixel_values);
    const expectedShape = io.info(c.outputs.pixel_values).shape;

    let pixelValues;
    if (c.class === 'ViTImageProcessor') {
      const p = ViTImageProcessor.fromConfig(config);
      const r = c.resolved!;
      expect(p.doResize).toBe(r.do_resize);
      expect(p.size).toEqual(r.size);
      expect(p.resample.toUpperCase()).toBe(r.resample);
      expect(p.rescaleFactor).toBe(r.rescale_factor);
      expect([...p.imageMean]).toEqual(r.image_mean);
      expect([...p.imageStd]).toEqual(r.image_std);
      pixelValues = p.preprocessRgb(images);
    } else {
      const cfg = config.pretrained_cfg as TimmPretrainedCfg;
      let transform: TimmEvalTransform;
      if (c.class === 'TimmWrapperImageProcessor') {
        const p = TimmWrapperImageProcessor.fromConfig(config);
        transform = p.transform;
        pixelValues = p.preprocessRgb(images);
      } else {
        // timm's own inference resolution: test_input_size / test_crop_pct.
        transform = new TimmEvalTransform(resolveDataConfig(cfg, { useTestSize: true }));
        pixelValues = timmPixelValues(transform, images);
      }
      const r = c.resolved_data_config!;
      const d = transform.config;
      expect({ ...d, inputSize: [...d.inputSize] }).toEqual({
        inputSize: r.input_size,
        interpolation: r.interpolation,
        mean: r.mean,
        std: r.std,
        cropPct: r.crop_pct,
        cropMode: r.crop_mode,
      });
      // The printed Compose names the same resize step, size and interpolation.
      const [resizeLine] = transform.describe();
      const step = transform.resizeStep;
      const size = typeof step.size === 'number' ? `size=${step.size}` : `size=(${step.size[0]}, ${step.size[1]})`;
      expect(c.transform![1]).toContain(`${step.kind}(${size}, interpolation=${step.interpolation}`);
      expect(resizeLine).toContain(step.kind);
      for (const [i, g] of (c.intermediate_geometry ?? []).entries()) {
        const ours = transform.geometry(images[i].width, images[i].height);
        expect([ours.resizedWidth, ours.resizedHeight]).toEqual(g.resized_wh);
        expect([ours.cropLeft, ours.cropTop]).toEqual(g.crop_left_top);
      }
    }
    expect([...pixelValues.shape]).toEqual(expectedShape);
    const diff = maxAbsDiff(pixelValues.data, expected);
    console.log(`${name}: max |pixel_values - expected| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(ATOL);
  });

  it('vit_tiny_224_fp16 processor_check: the legacy ViTFeatureExtractor config reproduces input.pixel_values', async () => {
    const config = goldenJson<Record<string, unknown>>('vit_tiny_224_fp16/model/preprocessor_config.json');
    const io = await openGolden('vit_tiny_224_fp16/io.safetensors');
    const p = ViTImageProcessor.fromConfig(config);
    expect(p.size).toEqual({ height: 224, width: 224 });
    expect(p.resample).toBe('bilinear');
    expect(p.doRescale).toBe(true);
    const pixelValues = p.preprocessRgb(await readRgb(io, 'input.image'));
    expect(maxAbsDiff(pixelValues.data, await io.readFloat32('input.pixel_values'))).toBeLessThanOrEqual(ATOL);
  });
});
