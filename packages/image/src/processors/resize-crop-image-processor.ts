/**
 * The pipeline transformers' DeiT, BEiT and BiT image processors share (their `preprocess` at the
 * golden's pinned commit): PIL resize of the uint8 image, centre crop (zero padding where the crop
 * is larger), `float32(float64(x) * rescale_factor)`, float32 `(x - mean) / std`, channels first.
 * The subclasses differ in their defaults and in how `size` is read (fixed or shortest edge).
 */

import type { Tensor } from '@purevit/core';
import { formatValue } from '@purevit/weights';
import { ImageError } from '../errors.js';
import type { LoadImageOptions } from '../load-image.js';
import type { RgbImage } from '../rgb-image.js';
import { resampleName, type Resample, type ResampleName } from '../resize/filters.js';
import { resize } from '../resize/resize.js';
import { centerCrop } from './center-crop.js';
import { optionalBoolean, optionalNumber, type JsonObject } from './config-json.js';
import { loadPrepared, type ImageBatchInput } from './image-inputs.js';
import { channelTable, checkStd, normalize32, stack, threeChannels, type ChannelTable } from './pixel-values.js';
import { getSizeDict, requireHeightWidth, type HeightWidth, type SizeDict } from './size-dict.js';

/** A size as the options take it: a size dictionary, an int (legacy configs) or [height, width]. */
export type SizeInput = SizeDict | number | readonly [number, number];

export interface ResizeCropImageProcessorOptions {
  doResize?: boolean;
  size?: SizeInput;
  resample?: Resample;
  doCenterCrop?: boolean;
  /** An int is a square crop. */
  cropSize?: SizeInput;
  doRescale?: boolean;
  rescaleFactor?: number;
  doNormalize?: boolean;
  imageMean?: number | readonly number[];
  imageStd?: number | readonly number[];
}

/** What a subclass fixes: its name, defaults, and whether an int size means a square. */
export interface ResizeCropDefaults {
  readonly name: string;
  readonly size: SizeDict;
  readonly resample: ResampleName;
  readonly cropSize: HeightWidth;
  readonly imageMean: readonly number[];
  readonly imageStd: readonly number[];
  /** get_size_dict's default_to_square for `size` (false for BiT: an int is the shortest edge). */
  readonly sizeDefaultsToSquare: boolean;
}

export abstract class ResizeCropImageProcessor {
  readonly doResize: boolean;
  readonly size: SizeDict;
  readonly resample: ResampleName;
  readonly doCenterCrop: boolean;
  readonly cropSize: HeightWidth;
  readonly doRescale: boolean;
  readonly rescaleFactor: number;
  readonly doNormalize: boolean;
  readonly imageMean: readonly [number, number, number];
  readonly imageStd: readonly [number, number, number];
  private readonly table: ChannelTable;

  protected constructor(defaults: ResizeCropDefaults, options: ResizeCropImageProcessorOptions) {
    const name = defaults.name;
    this.doResize = options.doResize ?? true;
    this.size = options.size === undefined ? defaults.size : getSizeDict(options.size, defaults.sizeDefaultsToSquare, 'size', name);
    this.resample = resampleName(options.resample ?? defaults.resample);
    this.doCenterCrop = options.doCenterCrop ?? true;
    this.cropSize = options.cropSize === undefined ? defaults.cropSize : requireHeightWidth(getSizeDict(options.cropSize, true, 'crop_size', name), 'crop_size', name);
    this.doRescale = options.doRescale ?? true;
    this.rescaleFactor = options.rescaleFactor ?? 1 / 255;
    this.doNormalize = options.doNormalize ?? true;
    this.imageMean = Object.freeze(threeChannels(options.imageMean ?? [...defaults.imageMean], 'image_mean'));
    this.imageStd = Object.freeze(threeChannels(options.imageStd ?? [...defaults.imageStd], 'image_std'));
    if (this.doNormalize) checkStd(this.imageStd, 'image_std');
    const { doRescale, rescaleFactor, doNormalize, imageMean, imageStd } = this;
    this.table = channelTable((x, c) => {
      // rescale: float64 product, stored as float32; normalize in float32.
      const v = doRescale ? Math.fround(x * rescaleFactor) : x;
      return doNormalize ? normalize32(v, imageMean[c], imageStd[c]) : v;
    }, 'rescale_factor / image_mean / image_std');
  }

  /** The (width, height) the resize step produces for a `width` x `height` image. */
  abstract resizedSize(width: number, height: number): [number, number];

  /** The uint8 image after resize and centre crop (what rescale and normalize see). */
  resizeAndCrop(image: RgbImage): RgbImage {
    let out = image;
    if (this.doResize) {
      const [w, h] = this.resizedSize(image.width, image.height);
      out = resize(out, w, h, this.resample);
    }
    return this.doCenterCrop ? centerCrop(out, this.cropSize) : out;
  }

  /** One decoded image → the small image `pixelValuesOf` stacks (so the decoded one can be dropped at once). */
  prepareImage(image: RgbImage): RgbImage {
    return this.resizeAndCrop(image);
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

/** The options every one of these processors reads from a preprocessor_config.json (null = default). */
export function readResizeCropConfig(json: JsonObject, where: string): ResizeCropImageProcessorOptions {
  const resample = json.resample ?? undefined;
  if (resample !== undefined && typeof resample !== 'number' && typeof resample !== 'string') {
    throw new ImageError('invalid_input', `${where}: resample must be a PIL filter code or name, got ${formatValue(resample)}`);
  }
  const rescaleFactor = optionalNumber(json, 'rescale_factor', 1 / 255);
  return {
    doResize: optionalBoolean(json, 'do_resize', true),
    size: (json.size ?? undefined) as SizeInput | undefined,
    resample: resample as Resample | undefined,
    doCenterCrop: optionalBoolean(json, 'do_center_crop', true),
    cropSize: (json.crop_size ?? undefined) as SizeInput | undefined,
    doRescale: optionalBoolean(json, 'do_rescale', true),
    rescaleFactor,
    doNormalize: optionalBoolean(json, 'do_normalize', true),
    imageMean: (json.image_mean ?? undefined) as number[] | undefined,
    imageStd: (json.image_std ?? undefined) as number[] | undefined,
  };
}

/** Refuses a config whose processor type belongs to another class. */
export function checkProcessorType(json: JsonObject, accepted: readonly string[], name: string): void {
  const type = json.image_processor_type ?? json.feature_extractor_type;
  if (type !== undefined && !accepted.includes(type as string)) {
    throw new ImageError('unsupported', `${name} cannot load a ${String(type)} config (supported: ${accepted.join(', ')})`);
  }
}
