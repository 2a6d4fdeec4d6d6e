/**
 * transformers' ViTImageProcessor (image_processing_vit.py at the golden's pinned commit): PIL resize
 * of the uint8 image to (height, width) with `resample` (no crop), `float32(float64(x) *
 * rescale_factor)`, float32 `(x - mean) / std`, channels first. Reads both the current
 * preprocessor_config.json (`size: {height, width}`) and the legacy ViTFeatureExtractor one
 * (`size: 224`).
 */

import type { Tensor } from '@purevit/core';
import type { OpenRepoOptions } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { checkBound, formatValue } from '@purevit/weights';
import { ImageError } from '../errors.js';
import type { LoadImageOptions } from '../load-image.js';
import type { RgbImage } from '../rgb-image.js';
import { resampleName, type Resample, type ResampleName } from '../resize/filters.js';
import { resize } from '../resize/resize.js';
import { asJsonObject, optionalBoolean, optionalNumber, type JsonObject } from './config-json.js';
import { loadPrepared, type ImageBatchInput } from './image-inputs.js';
import { channelTable, checkStd, normalize32, stack, threeChannels, type ChannelTable } from './pixel-values.js';

/** transformers' IMAGENET_STANDARD_MEAN / _STD, ViTImageProcessor's defaults. */
export const IMAGENET_STANDARD_MEAN = [0.5, 0.5, 0.5] as const;
export const IMAGENET_STANDARD_STD = [0.5, 0.5, 0.5] as const;

export interface ImageSize {
  readonly height: number;
  readonly width: number;
}

export interface ViTImageProcessorOptions {
  doResize?: boolean;
  /** A number is a square size (transformers' get_size_dict with default_to_square). */
  size?: ImageSize | number;
  resample?: Resample;
  doRescale?: boolean;
  rescaleFactor?: number;
  doNormalize?: boolean;
  imageMean?: number | readonly number[];
  imageStd?: number | readonly number[];
  /** Kept for fidelity; images are always RGB here (decoding converts as PIL's convert('RGB')). */
  doConvertRgb?: boolean | null;
}

/** The processor types whose preprocessor_config.json this class reads. */
export const VIT_PROCESSOR_TYPES = ['ViTImageProcessor', 'ViTImageProcessorFast', 'ViTFeatureExtractor'] as const;

/** transformers' get_size_dict for ViT: an int or [h, w] becomes {height, width}. */
function sizeDict(size: unknown): ImageSize {
  if (typeof size === 'number') return checkSize({ height: size, width: size });
  if (Array.isArray(size) && size.length === 2) return checkSize({ height: size[0], width: size[1] });
  if (size !== null && typeof size === 'object') {
    const s = size as Record<string, unknown>;
    if ('height' in s && 'width' in s) return checkSize({ height: s.height as number, width: s.width as number });
    throw new ImageError('invalid_input', `ViTImageProcessor: the size dictionary must contain the keys height and width, got ${formatValue(size)}`);
  }
  throw new ImageError('invalid_input', `ViTImageProcessor: invalid size ${formatValue(size)}`);
}

/** Positive integers within CONFIG_BOUNDS.imageSide: the processor resizes every image to this size. */
function checkSize(s: ImageSize): ImageSize {
  if (!Number.isInteger(s.height) || !Number.isInteger(s.width) || s.height < 1 || s.width < 1) {
    throw new ImageError('invalid_input', `ViTImageProcessor: size must be positive integers, got ${formatValue(s)}`);
  }
  return Object.freeze({ height: checkBound(s.height, 'imageSide', 'size.height'), width: checkBound(s.width, 'imageSide', 'size.width') });
}

export class ViTImageProcessor {
  readonly doResize: boolean;
  readonly size: ImageSize;
  readonly resample: ResampleName;
  readonly doRescale: boolean;
  readonly rescaleFactor: number;
  readonly doNormalize: boolean;
  readonly imageMean: readonly [number, number, number];
  readonly imageStd: readonly [number, number, number];
  readonly doConvertRgb: boolean | null;
  private readonly table: ChannelTable;

  constructor(options: ViTImageProcessorOptions = {}) {
    this.doResize = options.doResize ?? true;
    this.size = sizeDict(options.size ?? { height: 224, width: 224 });
    this.resample = resampleName(options.resample ?? 'bilinear');
    this.doRescale = options.doRescale ?? true;
    this.rescaleFactor = options.rescaleFactor ?? 1 / 255;
    this.doNormalize = options.doNormalize ?? true;
    this.imageMean = Object.freeze(threeChannels(options.imageMean ?? [...IMAGENET_STANDARD_MEAN], 'image_mean'));
    this.imageStd = Object.freeze(threeChannels(options.imageStd ?? [...IMAGENET_STANDARD_STD], 'image_std'));
    if (this.doNormalize) checkStd(this.imageStd, 'image_std');
    this.doConvertRgb = options.doConvertRgb ?? null;
    const { doRescale, rescaleFactor, doNormalize, imageMean, imageStd } = this;
    this.table = channelTable((x, c) => {
      // rescale: float64 product, stored as float32.
      const v = doRescale ? Math.fround(x * rescaleFactor) : x;
      return doNormalize ? normalize32(v, imageMean[c], imageStd[c]) : v;
    }, 'rescale_factor / image_mean / image_std');
  }

  /** From a preprocessor_config.json object (current or legacy ViTFeatureExtractor form). */
  static fromConfig(config: unknown): ViTImageProcessor {
    const json: JsonObject = asJsonObject(config, 'preprocessor config');
    const type = json.image_processor_type ?? json.feature_extractor_type;
    if (type !== undefined && !(VIT_PROCESSOR_TYPES as readonly unknown[]).includes(type)) {
      throw new ImageError('unsupported', `ViTImageProcessor cannot load a ${String(type)} config (supported: ${VIT_PROCESSOR_TYPES.join(', ')})`);
    }
    const resample = json.resample ?? 'bilinear';
    if (typeof resample !== 'number' && typeof resample !== 'string') throw new ImageError('invalid_input', `resample must be a PIL filter code or name, got ${formatValue(resample)}`);
    return new ViTImageProcessor({
      doResize: optionalBoolean(json, 'do_resize', true),
      size: (json.size ?? undefined) as ImageSize | number | undefined,
      resample: resample as Resample,
      doRescale: optionalBoolean(json, 'do_rescale', true),
      rescaleFactor: optionalNumber(json, 'rescale_factor', 1 / 255),
      doNormalize: optionalBoolean(json, 'do_normalize', true),
      imageMean: (json.image_mean ?? undefined) as number[] | undefined,
      imageStd: (json.image_std ?? undefined) as number[] | undefined,
      doConvertRgb: (json.do_convert_rgb ?? null) as boolean | null,
    });
  }

  /** Reads preprocessor_config.json from a model folder or hub id (`options` go to `openRepo`). */
  static async fromPretrained(idOrPath: string, options: OpenRepoOptions = {}): Promise<ViTImageProcessor> {
    const repo = await openRepo(idOrPath, options);
    if (!(await repo.exists('preprocessor_config.json'))) {
      throw new ImageError('invalid_input', `${idOrPath} has no preprocessor_config.json`);
    }
    return ViTImageProcessor.fromConfig(await repo.readJson('preprocessor_config.json'));
  }

  /** The uint8 image the normalisation sees (resized when do_resize). */
  resizeImage(image: RgbImage): RgbImage {
    return this.doResize ? resize(image, this.size.width, this.size.height, this.resample) : image;
  }

  /** One decoded image → the small image `pixelValuesOf` stacks (so the decoded one can be dropped at once). */
  prepareImage(image: RgbImage): RgbImage {
    return this.resizeImage(image);
  }

  /** Prepared images → pixel values [B, 3, H, W]. */
  pixelValuesOf(prepared: readonly RgbImage[]): Tensor {
    return stack(prepared, this.table);
  }

  /** Decoded images → pixel values [B, 3, H, W]. */
  preprocessRgb(images: RgbImage | readonly RgbImage[]): Tensor {
    const list = Array.isArray(images) ? (images as readonly RgbImage[]) : [images as RgbImage];
    return this.pixelValuesOf(list.map((image) => this.prepareImage(image)));
  }

  /** One image or a batch (anything `loadImage` accepts) → `{ pixelValues: [B, 3, H, W] }`; each decoded image is released once prepared. */
  async preprocess(images: ImageBatchInput, options: LoadImageOptions = {}): Promise<{ pixelValues: Tensor }> {
    return { pixelValues: this.pixelValuesOf(await loadPrepared(images, options, (image) => this.prepareImage(image))) };
  }
}
