/**
 * transformers' BitImageProcessor (image_processing_bit.py at the golden's pinned commit), which
 * facebook/dinov2-* checkpoints use: resize the shortest edge to `size.shortest_edge` (long edge
 * `int(s * long / short)`, truncated; a `longest_edge` beside it is not used) or to exactly
 * (height, width), then centre crop. Defaults: shortest edge 224 BICUBIC, crop 224x224, OpenAI CLIP
 * mean/std; a legacy int size is a shortest edge.
 */

import type { OpenRepoOptions } from '@purevit/weights';
import { checkBound, formatValue } from '@purevit/weights';
import { ImageError } from '../errors.js';
import { readPreprocessorConfig } from './read-preprocessor-config.js';
import { asJsonObject } from './config-json.js';
import {
  ResizeCropImageProcessor, checkProcessorType, readResizeCropConfig, type ResizeCropDefaults, type ResizeCropImageProcessorOptions,
} from './resize-crop-image-processor.js';

export const BIT_PROCESSOR_TYPES = ['BitImageProcessor', 'BitImageProcessorFast'] as const;

/** transformers' OPENAI_CLIP_MEAN / _STD, BitImageProcessor's defaults. */
export const OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

const DEFAULTS: ResizeCropDefaults = Object.freeze({
  name: 'BitImageProcessor',
  size: Object.freeze({ shortestEdge: 224 }),
  resample: 'bicubic',
  cropSize: Object.freeze({ height: 224, width: 224 }),
  imageMean: OPENAI_CLIP_MEAN,
  imageStd: OPENAI_CLIP_STD,
  sizeDefaultsToSquare: false,
});

export interface BitImageProcessorOptions extends ResizeCropImageProcessorOptions {
  /** Kept for fidelity; images are always RGB here (decoding converts as PIL's convert('RGB')). */
  doConvertRgb?: boolean;
}

/**
 * get_resize_output_image_size with default_to_square=False: [width, height]. The long edge is bounded
 * (CONFIG_BOUNDS.imageSide): a very thin image would otherwise resize to gigabytes.
 */
export function shortestEdgeResize(width: number, height: number, shortest: number): [number, number] {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = checkBound(Math.trunc((shortest * long) / short), 'imageSide', `the long edge of a ${width}x${height} image resized to a shortest edge of ${shortest}`, 'BitImageProcessor:');
  return width <= height ? [shortest, newLong] : [newLong, shortest];
}

export class BitImageProcessor extends ResizeCropImageProcessor {
  readonly doConvertRgb: boolean;

  constructor(options: BitImageProcessorOptions = {}) {
    super(DEFAULTS, options);
    if (this.doResize && !('shortestEdge' in this.size) && !('height' in this.size)) {
      throw new ImageError('invalid_input', `BitImageProcessor: size must contain either shortest_edge or height and width, got {${Object.keys(this.size).join(', ')}}`);
    }
    this.doConvertRgb = options.doConvertRgb ?? true;
  }

  resizedSize(width: number, height: number): [number, number] {
    const size = this.size;
    if ('shortestEdge' in size) return shortestEdgeResize(width, height, size.shortestEdge);
    if ('height' in size) return [size.width, size.height];
    throw new ImageError('invalid_input', 'BitImageProcessor: size must contain either shortest_edge or height and width');
  }

  /** From a preprocessor_config.json object. */
  static fromConfig(config: unknown): BitImageProcessor {
    const json = asJsonObject(config, 'preprocessor config');
    checkProcessorType(json, BIT_PROCESSOR_TYPES, DEFAULTS.name);
    const doConvertRgb = json.do_convert_rgb ?? true;
    if (typeof doConvertRgb !== 'boolean') throw new ImageError('invalid_input', `do_convert_rgb must be true or false, got ${formatValue(doConvertRgb)}`);
    return new BitImageProcessor({ ...readResizeCropConfig(json, DEFAULTS.name), doConvertRgb });
  }

  /** Reads preprocessor_config.json from a model folder or hub id (`options` go to `openRepo`). */
  static async fromPretrained(idOrPath: string, options: OpenRepoOptions = {}): Promise<BitImageProcessor> {
    return BitImageProcessor.fromConfig(await readPreprocessorConfig(idOrPath, options));
  }
}
