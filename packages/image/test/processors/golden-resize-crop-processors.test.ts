import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BeitImageProcessor, BitImageProcessor, DeiTImageProcessor, centerCropOrigin, type ResizeCropImageProcessor } from '@purevit/image';
import { GOLDEN, goldenJson, maxAbsDiff, openGolden, readRgb } from '../helpers/golden.js';

interface ResizeCropCase {
  class: 'DeiTImageProcessor' | 'BeitImageProcessor' | 'BitImageProcessor';
  processor_config: string;
  inputs: { images: string[] };
  outputs: { pixel_values: string };
  resolved: {
    do_resize: boolean;
    size: Record<string, number>;
    resample: string;
    do_center_crop: boolean;
    crop_size: { height: number; width: number };
    do_rescale: boolean;
    rescale_factor: number;
    do_normalize: boolean;
    image_mean: number[];
    image_std: number[];
    do_reduce_labels?: boolean;
    do_convert_rgb?: boolean;
  };
  intermediate_geometry: { resized_wh: [number, number]; crop_top_left?: [number, number] }[];
}

/** golden/README.md §4: pixel_values within 1e-6 given the same uint8 input. */
const ATOL = 1e-6;

const FROM_CONFIG: Record<ResizeCropCase['class'], (config: unknown) => ResizeCropImageProcessor> = {
  DeiTImageProcessor: (c) => DeiTImageProcessor.fromConfig(c),
  BeitImageProcessor: (c) => BeitImageProcessor.fromConfig(c),
  BitImageProcessor: (c) => BitImageProcessor.fromConfig(c),
};

const caseNames = readdirSync(GOLDEN).filter((n) => /^(deit|beit|bit)proc_/.test(n)).sort();
const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe('golden DeiT / BEiT / BiT image processor cases', () => {
  it('finds the processor cases', () => {
    expect(caseNames).toEqual(['beitproc_default', 'beitproc_hub_legacy', 'bitproc_dinov2', 'deitproc_hub_256_224', 'deitproc_pad_crop']);
  });

  it.each(caseNames)('%s: resolved parameters, geometry and pixel values', async (name) => {
    const c = goldenJson<ResizeCropCase>(`${name}/case.json`);
    const p = FROM_CONFIG[c.class](goldenJson(`${name}/${c.processor_config}`));
    const r = c.resolved;
    expect({
      doResize: p.doResize,
      size: p.size,
      resample: p.resample.toUpperCase(),
      doCenterCrop: p.doCenterCrop,
      cropSize: p.cropSize,
      doRescale: p.doRescale,
      rescaleFactor: p.rescaleFactor,
      doNormalize: p.doNormalize,
      imageMean: [...p.imageMean],
      imageStd: [...p.imageStd],
    }).toEqual({
      doResize: r.do_resize,
      size: Object.fromEntries(Object.entries(r.size).map(([k, v]) => [camel(k), v])),
      resample: r.resample,
      doCenterCrop: r.do_center_crop,
      cropSize: r.crop_size,
      doRescale: r.do_rescale,
      rescaleFactor: r.rescale_factor,
      doNormalize: r.do_normalize,
      imageMean: r.image_mean,
      imageStd: r.image_std,
    });
    if (p instanceof BeitImageProcessor) expect(p.doReduceLabels).toBe(r.do_reduce_labels);
    if (p instanceof BitImageProcessor) expect(p.doConvertRgb).toBe(r.do_convert_rgb);

    const io = await openGolden(`${name}/io.safetensors`);
    const images = await Promise.all(c.inputs.images.map((n) => readRgb(io, n)));
    for (const [i, g] of c.intermediate_geometry.entries()) {
      const [w, h] = p.resizedSize(images[i].width, images[i].height);
      expect([w, h]).toEqual(g.resized_wh);
      if (g.crop_top_left) {
        const o = centerCropOrigin(w, h, p.cropSize);
        expect([o.top, o.left]).toEqual(g.crop_top_left);
      }
    }
    const pixelValues = p.preprocessRgb(images);
    expect([...pixelValues.shape]).toEqual(io.info(c.outputs.pixel_values).shape);
    expect(maxAbsDiff(pixelValues.data, await io.readFloat32(c.outputs.pixel_values))).toBeLessThanOrEqual(ATOL);
  });
});
