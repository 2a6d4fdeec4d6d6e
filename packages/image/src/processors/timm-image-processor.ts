/**
 * transformers' TimmWrapperImageProcessor at the golden's pinned commit: the eval transform of
 * `timm.data.resolve_data_config(pretrained_cfg, model=None)` — the pretrained_cfg is passed as
 * `args`, so `input_size` / `crop_pct` are the training values and `test_input_size` /
 * `test_crop_pct` are ignored — applied to each image and stacked.
 */

import type { Tensor } from '@purevit/core';
import type { OpenRepoOptions } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { ImageError } from '../errors.js';
import type { LoadImageOptions } from '../load-image.js';
import type { RgbImage } from '../rgb-image.js';
import type { ResampleName } from '../resize/filters.js';
import { asJsonObject } from './config-json.js';
import { loadPrepared, type ImageBatchInput } from './image-inputs.js';
import { resolveDataConfig, type CropMode, type TimmDataArgs, type TimmDataConfig, type TimmPretrainedCfg } from './timm-data-config.js';
import { stack } from './pixel-values.js';
import { TimmEvalTransform, timmPixelValues } from './timm-transforms.js';

/** The size transformers reports for a timm processor (its get_size_dict). */
export type TimmSizeDict = { readonly shortestEdge: number } | { readonly longestEdge: number } | { readonly height: number; readonly width: number };

export interface TimmWrapperImageProcessorOptions {
  architecture?: string;
  /** Data-config overrides (timm's args: input_size, img_size, interpolation, mean, std, crop_pct, crop_mode). */
  overrides?: TimmDataArgs;
}

export class TimmWrapperImageProcessor {
  readonly pretrainedCfg: Readonly<TimmPretrainedCfg>;
  readonly architecture: string | undefined;
  readonly dataConfig: TimmDataConfig;
  readonly transform: TimmEvalTransform;
  /** [channels, height, width] */
  readonly inputSize: readonly [number, number, number];
  readonly interpolation: ResampleName;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly cropPct: number;
  readonly cropMode: CropMode;
  readonly cropSize: { readonly height: number; readonly width: number };
  readonly size: TimmSizeDict;

  constructor(pretrainedCfg: TimmPretrainedCfg, options: TimmWrapperImageProcessorOptions = {}) {
    this.pretrainedCfg = Object.freeze({ ...pretrainedCfg });
    this.architecture = options.architecture;
    this.dataConfig = resolveDataConfig(undefined, { args: { ...pretrainedCfg, ...options.overrides } });
    this.transform = new TimmEvalTransform(this.dataConfig);
    const { inputSize, interpolation, mean, std, cropPct, cropMode } = this.dataConfig;
    this.inputSize = inputSize;
    this.interpolation = interpolation;
    this.mean = mean;
    this.std = std;
    this.cropPct = cropPct;
    this.cropMode = cropMode;
    const [, h, w] = inputSize;
    this.cropSize = Object.freeze({ height: h, width: w });
    this.size = Object.freeze(
      cropMode === 'center' && h === w ? { shortestEdge: h } : cropMode === 'border' && h === w ? { longestEdge: h } : { height: h, width: w },
    );
  }

  /** From a timm hub config.json (`architecture`, `pretrained_cfg`, ...). */
  static fromConfig(config: unknown, overrides?: TimmDataArgs): TimmWrapperImageProcessor {
    const json = asJsonObject(config, 'timm config');
    if (json.pretrained_cfg === undefined) {
      throw new ImageError('invalid_input', 'TimmWrapperImageProcessor: config has no pretrained_cfg (expected a timm config.json)');
    }
    const cfg = asJsonObject(json.pretrained_cfg, 'pretrained_cfg') as TimmPretrainedCfg;
    const architecture = typeof json.architecture === 'string' ? json.architecture : undefined;
    return new TimmWrapperImageProcessor(cfg, { architecture, overrides });
  }

  /** Reads config.json from a model folder or hub id (`options` go to `openRepo`). */
  static async fromPretrained(idOrPath: string, overrides?: TimmDataArgs, options: OpenRepoOptions = {}): Promise<TimmWrapperImageProcessor> {
    const repo = await openRepo(idOrPath, options);
    return TimmWrapperImageProcessor.fromConfig(await repo.readJson('config.json'), overrides);
  }

  /** One decoded image → the small image `pixelValuesOf` stacks (resized and cropped, so the decoded one can be dropped at once). */
  prepareImage(image: RgbImage): RgbImage {
    return this.transform.resizeAndCrop(image);
  }

  /** Prepared images → pixel values [B, 3, H, W]. */
  pixelValuesOf(prepared: readonly RgbImage[]): Tensor {
    return stack(prepared, this.transform.pixelTable);
  }

  /** Decoded images → pixel values [B, 3, H, W]. */
  preprocessRgb(images: RgbImage | readonly RgbImage[]): Tensor {
    const list = Array.isArray(images) ? (images as readonly RgbImage[]) : [images as RgbImage];
    return timmPixelValues(this.transform, list);
  }

  /** One image or a batch (anything `loadImage` accepts) → `{ pixelValues: [B, 3, H, W] }`; each decoded image is released once prepared. */
  async preprocess(images: ImageBatchInput, options: LoadImageOptions = {}): Promise<{ pixelValues: Tensor }> {
    return { pixelValues: this.pixelValuesOf(await loadPrepared(images, options, (image) => this.prepareImage(image))) };
  }
}
