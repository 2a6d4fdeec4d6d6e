/**
 * transformers' BeitImageProcessor (image_processing_beit.py at the golden's pinned commit) for
 * images: as DeiT's (resize to exactly (height, width), centre crop; defaults 256x256 BICUBIC, crop
 * 224x224, mean/std 0.5). `do_reduce_labels` (legacy `reduce_labels`, which from_dict renames)
 * only acts on segmentation maps, which this port does not take; it is kept for fidelity.
 */

import type { OpenRepoOptions } from '@purevit/weights';
import { readPreprocessorConfig } from './read-preprocessor-config.js';
import { asJsonObject, optionalBoolean } from './config-json.js';
import {
  ResizeCropImageProcessor, checkProcessorType, readResizeCropConfig, type ResizeCropDefaults, type ResizeCropImageProcessorOptions,
} from './resize-crop-image-processor.js';
import { requireHeightWidth } from './size-dict.js';
import { IMAGENET_STANDARD_MEAN, IMAGENET_STANDARD_STD } from './vit-image-processor.js';

export const BEIT_PROCESSOR_TYPES = ['BeitImageProcessor', 'BeitImageProcessorFast', 'BeitFeatureExtractor'] as const;

const DEFAULTS: ResizeCropDefaults = Object.freeze({
  name: 'BeitImageProcessor',
  size: Object.freeze({ height: 256, width: 256 }),
  resample: 'bicubic',
  cropSize: Object.freeze({ height: 224, width: 224 }),
  imageMean: IMAGENET_STANDARD_MEAN,
  imageStd: IMAGENET_STANDARD_STD,
  sizeDefaultsToSquare: true,
});

export interface BeitImageProcessorOptions extends ResizeCropImageProcessorOptions {
  /** Segmentation maps only (label 0 → 255, others − 1); no effect on images. */
  doReduceLabels?: boolean;
}

export class BeitImageProcessor extends ResizeCropImageProcessor {
  readonly doReduceLabels: boolean;

  constructor(options: BeitImageProcessorOptions = {}) {
    super(DEFAULTS, options);
    if (this.doResize) requireHeightWidth(this.size, 'size', DEFAULTS.name);
    this.doReduceLabels = options.doReduceLabels ?? false;
  }

  resizedSize(): [number, number] {
    const size = requireHeightWidth(this.size, 'size', DEFAULTS.name);
    return [size.width, size.height];
  }

  /** From a preprocessor_config.json object; a legacy `reduce_labels` becomes `do_reduce_labels`, as in from_dict. */
  static fromConfig(config: unknown): BeitImageProcessor {
    const json = { ...asJsonObject(config, 'preprocessor config') };
    checkProcessorType(json, BEIT_PROCESSOR_TYPES, DEFAULTS.name);
    if ('reduce_labels' in json) {
      json.do_reduce_labels = json.reduce_labels;
      delete json.reduce_labels;
    }
    return new BeitImageProcessor({ ...readResizeCropConfig(json, DEFAULTS.name), doReduceLabels: optionalBoolean(json, 'do_reduce_labels', false) });
  }

  /** Reads preprocessor_config.json from a model folder or hub id (`options` go to `openRepo`). */
  static async fromPretrained(idOrPath: string, options: OpenRepoOptions = {}): Promise<BeitImageProcessor> {
    return BeitImageProcessor.fromConfig(await readPreprocessorConfig(idOrPath, options));
  }
}
