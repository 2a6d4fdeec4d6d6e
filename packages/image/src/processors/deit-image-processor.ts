/**
 * transformers' DeiTImageProcessor (image_processing_deit.py at the golden's pinned commit): resize
 * to exactly (height, width) — the aspect ratio is not kept, a legacy int size is a square — then
 * centre crop. Defaults: 256x256 BICUBIC, crop 224x224, mean/std 0.5.
 */

import type { OpenRepoOptions } from '@purevit/weights';
import { readPreprocessorConfig } from './read-preprocessor-config.js';
import { asJsonObject } from './config-json.js';
import {
  ResizeCropImageProcessor, checkProcessorType, readResizeCropConfig, type ResizeCropDefaults, type ResizeCropImageProcessorOptions,
} from './resize-crop-image-processor.js';
import { requireHeightWidth } from './size-dict.js';
import { IMAGENET_STANDARD_MEAN, IMAGENET_STANDARD_STD } from './vit-image-processor.js';

/** The processor types whose preprocessor_config.json this class reads (Fast ones compute as the slow one here). */
export const DEIT_PROCESSOR_TYPES = ['DeiTImageProcessor', 'DeiTImageProcessorFast', 'DeiTFeatureExtractor'] as const;

const DEFAULTS: ResizeCropDefaults = Object.freeze({
  name: 'DeiTImageProcessor',
  size: Object.freeze({ height: 256, width: 256 }),
  resample: 'bicubic',
  cropSize: Object.freeze({ height: 224, width: 224 }),
  imageMean: IMAGENET_STANDARD_MEAN,
  imageStd: IMAGENET_STANDARD_STD,
  sizeDefaultsToSquare: true,
});

export class DeiTImageProcessor extends ResizeCropImageProcessor {
  constructor(options: ResizeCropImageProcessorOptions = {}) {
    super(DEFAULTS, options);
    if (this.doResize) requireHeightWidth(this.size, 'size', DEFAULTS.name);
  }

  resizedSize(): [number, number] {
    const size = requireHeightWidth(this.size, 'size', DEFAULTS.name);
    return [size.width, size.height];
  }

  /** From a preprocessor_config.json object (current or legacy DeiTFeatureExtractor form). */
  static fromConfig(config: unknown): DeiTImageProcessor {
    const json = asJsonObject(config, 'preprocessor config');
    checkProcessorType(json, DEIT_PROCESSOR_TYPES, DEFAULTS.name);
    return new DeiTImageProcessor(readResizeCropConfig(json, DEFAULTS.name));
  }

  /** Reads preprocessor_config.json from a model folder or hub id (`options` go to `openRepo`). */
  static async fromPretrained(idOrPath: string, options: OpenRepoOptions = {}): Promise<DeiTImageProcessor> {
    return DeiTImageProcessor.fromConfig(await readPreprocessorConfig(idOrPath, options));
  }
}
