/**
 * Kind "image_processor": ViTImageProcessor, DeiTImageProcessor, BeitImageProcessor and
 * BitImageProcessor (preprocessor_config.json), TimmWrapperImageProcessor (timm config.json,
 * training-time data config as transformers resolves it) and timm's own `create_transform`
 * (test-time resolution) on uint8 RGB inputs; pixel_values within 1e-6 (golden/README.md §4), and
 * the recorded resize size and crop offsets per image.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tensor } from '@purevit/core';
import {
  BeitImageProcessor, BitImageProcessor, DeiTImageProcessor, ResizeCropImageProcessor, TimmEvalTransform, TimmWrapperImageProcessor,
  ViTImageProcessor, centerCropOrigin, resolveDataConfig, timmPixelValues, type RgbImage, type TimmPretrainedCfg,
} from '@purevit/image';
import type { GoldenCase } from '../case.js';
import { IoFile } from '../io.js';
import { judge, type CaseOutcome } from '../outcome.js';
import { compareTensor, worstRatio, type Comparison } from '../tolerance.js';
import { readRgb } from './image.js';

/** pixel_values tolerance given the same uint8 input. */
const PIXEL_VALUES_ATOL = 1e-6;

interface Geometry {
  resized_wh: [number, number];
  crop_left_top: [number, number];
}

/** transformers processors record the crop as [top, left] (absent when there is no crop). */
interface HfGeometry {
  resized_wh: [number, number];
  crop_top_left?: [number, number];
}

/** The processors of the resize → centre crop → rescale → normalize family, by class name. */
const RESIZE_CROP_PROCESSORS: Readonly<Record<string, (config: unknown) => ResizeCropImageProcessor>> = {
  DeiTImageProcessor: (config) => DeiTImageProcessor.fromConfig(config),
  BeitImageProcessor: (config) => BeitImageProcessor.fromConfig(config),
  BitImageProcessor: (config) => BitImageProcessor.fromConfig(config),
};

export async function runImageProcessorCase(goldenCase: GoldenCase): Promise<CaseOutcome> {
  const json = goldenCase.json;
  const configFile = json.processor_config;
  const imageNames = (json.inputs as { images?: string[] } | undefined)?.images;
  const outputName = (json.outputs as { pixel_values?: string } | undefined)?.pixel_values;
  if (typeof configFile !== 'string' || !Array.isArray(imageNames) || typeof outputName !== 'string') {
    throw new Error(`${goldenCase.file} needs processor_config, inputs.images and outputs.pixel_values`);
  }
  const config: unknown = JSON.parse(await readFile(path.join(goldenCase.dir, configFile), 'utf8'));
  const io = await IoFile.open(path.join(goldenCase.dir, 'io.safetensors'));
  const images = await Promise.all(imageNames.map((name) => readRgb(io, name)));

  const comparisons: Comparison[] = [];
  let pixelValues: Tensor;
  switch (json.class) {
    case 'ViTImageProcessor':
      pixelValues = ViTImageProcessor.fromConfig(config).preprocessRgb(images);
      break;
    case 'TimmWrapperImageProcessor': {
      const processor = TimmWrapperImageProcessor.fromConfig(config);
      pixelValues = processor.preprocessRgb(images);
      comparisons.push(...compareGeometry(processor.transform, images, json.intermediate_geometry as Geometry[] | undefined));
      break;
    }
    case 'timm.data.create_transform': {
      const cfg = (config as { pretrained_cfg?: TimmPretrainedCfg }).pretrained_cfg;
      if (!cfg) throw new Error(`${configFile} has no pretrained_cfg`);
      const transform = new TimmEvalTransform(resolveDataConfig(cfg, { useTestSize: true }));
      pixelValues = timmPixelValues(transform, images);
      comparisons.push(...compareGeometry(transform, images, json.intermediate_geometry as Geometry[] | undefined));
      break;
    }
    default: {
      const make = typeof json.class === 'string' && Object.prototype.hasOwnProperty.call(RESIZE_CROP_PROCESSORS, json.class) ? RESIZE_CROP_PROCESSORS[json.class] : undefined;
      if (!make) throw new Error(`image processor class ${String(json.class)} is not supported`);
      const processor = make(config);
      pixelValues = processor.preprocessRgb(images);
      comparisons.push(...compareHfGeometry(processor, images, json.intermediate_geometry as HfGeometry[] | undefined));
    }
  }
  const c = compareTensor(outputName, pixelValues, await io.tensor(outputName));
  comparisons.push({ ...c, bound: PIXEL_VALUES_ATOL, ratio: c.problem ? Infinity : c.maxError / PIXEL_VALUES_ATOL });
  return judge([{ label: 'pixel_values', comparisons, worstRatio: worstRatio(comparisons) }]);
}

/** Resize size and crop offsets per image must equal the recorded ones exactly. */
function compareGeometry(transform: TimmEvalTransform, images: readonly RgbImage[], expected: readonly Geometry[] | undefined): Comparison[] {
  return (expected ?? []).map((g, i) => {
    const ours = transform.geometry(images[i].width, images[i].height);
    const actual = [ours.resizedWidth, ours.resizedHeight, ours.cropLeft, ours.cropTop];
    const wanted = [...g.resized_wh, ...g.crop_left_top];
    const same = actual.every((v, k) => v === wanted[k]);
    const name = `geometry of image ${i}`;
    return same
      ? { name, maxError: 0, bound: 0, ratio: 0 }
      : { name, maxError: Infinity, bound: 0, ratio: Infinity, problem: `resize/crop ${actual.join(',')} != expected ${wanted.join(',')}` };
  });
}

/** Resized size and, where the processor crops, the crop's top/left must equal the recorded ones. */
function compareHfGeometry(processor: ResizeCropImageProcessor, images: readonly RgbImage[], expected: readonly HfGeometry[] | undefined): Comparison[] {
  return (expected ?? []).map((g, i) => {
    const [rw, rh] = processor.doResize ? processor.resizedSize(images[i].width, images[i].height) : [images[i].width, images[i].height];
    const actual = [rw, rh];
    const wanted: number[] = [...g.resized_wh];
    if (g.crop_top_left !== undefined || processor.doCenterCrop) {
      const origin = centerCropOrigin(rw, rh, processor.cropSize);
      actual.push(origin.top, origin.left);
      wanted.push(...(g.crop_top_left ?? [NaN, NaN]));
    }
    const same = actual.length === wanted.length && actual.every((v, k) => v === wanted[k]);
    const name = `geometry of image ${i}`;
    return same
      ? { name, maxError: 0, bound: 0, ratio: 0 }
      : { name, maxError: Infinity, bound: 0, ratio: Infinity, problem: `resize/crop ${actual.join(',')} != expected ${wanted.join(',')}` };
  });
}
