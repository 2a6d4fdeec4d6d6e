/**
 * timm's eval transform (`transforms_imagenet_eval`, torchvision 0.14 on PIL images): resize to
 * floor(size / crop_pct), then crop, as the configured crop mode says; then ToTensor (x / 255 in
 * float32) and Normalize. Every resize is PIL's, so the uint8 intermediate is exactly torchvision's.
 */

import type { Tensor } from '@purevit/core';
import { crop, type Rgb } from '../crop.js';
import type { RgbImage } from '../rgb-image.js';
import { resize } from '../resize/resize.js';
import type { ResampleName } from '../resize/filters.js';
import { channelTable, normalize32, stack, type ChannelTable } from './pixel-values.js';
import { roundHalfEven } from './python-round.js';
import { DEFAULT_CROP_PCT, type TimmDataConfig } from './timm-data-config.js';

export interface TimmResizeStep {
  /** Which torchvision/timm transform this is. */
  readonly kind: 'Resize' | 'ResizeKeepRatio';
  /** Resize(int): shortest edge; Resize((h, w)) and ResizeKeepRatio((h, w)): target. */
  readonly size: number | readonly [number, number];
  readonly interpolation: ResampleName;
  /** ResizeKeepRatio only: 0 fits the shorter side, 1 the longer side. */
  readonly longest?: number;
}

/** Where an image goes through the transform: resized size and crop offset (negative = padding). */
export interface TimmGeometry {
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  readonly cropLeft: number;
  readonly cropTop: number;
}

/** torchvision's Resize size rule for PIL: an int is the shortest edge, the long edge truncated. */
function shortestEdgeSize(w: number, h: number, size: number): [number, number] {
  const [short, long] = w <= h ? [w, h] : [h, w];
  const newLong = Math.trunc((size * long) / short);
  return w <= h ? [size, newLong] : [newLong, size];
}

/** timm ResizeKeepRatio.get_params without the random parts: [width, height]. */
function keepRatioSize(w: number, h: number, target: readonly [number, number], longest: number): [number, number] {
  const ratioH = h / target[0];
  const ratioW = w / target[1];
  const ratio = Math.max(ratioH, ratioW) * longest + Math.min(ratioH, ratioW) * (1 - longest);
  return [roundHalfEven((w * 1.0) / ratio), roundHalfEven((h * 1.0) / ratio)];
}

export class TimmEvalTransform {
  readonly config: TimmDataConfig;
  /** floor(size / crop_pct) per [height, width]. */
  readonly scaleSize: readonly [number, number];
  readonly resizeStep: TimmResizeStep;
  /** [height, width] of the output. */
  readonly cropSize: readonly [number, number];
  /** CenterCropOrPad fill (border mode: round(255 * mean)); CenterCrop pads with 0. */
  readonly fill: Rgb;
  private readonly table: ChannelTable;

  constructor(config: TimmDataConfig) {
    this.config = config;
    const cropPct = config.cropPct || DEFAULT_CROP_PCT;
    const [, h, w] = config.inputSize;
    this.cropSize = [h, w];
    this.scaleSize = [Math.floor(h / cropPct), Math.floor(w / cropPct)];
    const [sh, sw] = this.scaleSize;
    const interp = config.interpolation;
    if (config.cropMode === 'squash') {
      this.resizeStep = { kind: 'Resize', size: [sh, sw], interpolation: interp };
    } else if (config.cropMode === 'border') {
      this.resizeStep = { kind: 'ResizeKeepRatio', size: [sh, sw], interpolation: interp, longest: 1 };
    } else if (sh === sw) {
      this.resizeStep = { kind: 'Resize', size: sh, interpolation: interp };
    } else {
      // timm builds ResizeKeepRatio(scale_size) here without passing interpolation: bilinear.
      this.resizeStep = { kind: 'ResizeKeepRatio', size: [sh, sw], interpolation: 'bilinear', longest: 0 };
    }
    const m = config.mean;
    this.fill = config.cropMode === 'border' ? [roundHalfEven(255 * m[0]), roundHalfEven(255 * m[1]), roundHalfEven(255 * m[2])] : [0, 0, 0];
    // ToTensor: float32 x / 255; Normalize: float32 (x - mean) / std.
    this.table = channelTable((x, c) => normalize32(Math.fround(x / 255), config.mean[c], config.std[c]), 'mean / std');
  }

  /** Size after the resize step for a `width` x `height` input, as [width, height]. */
  resizedSize(width: number, height: number): [number, number] {
    const step = this.resizeStep;
    if (step.kind === 'ResizeKeepRatio') return keepRatioSize(width, height, step.size as [number, number], step.longest ?? 0);
    if (typeof step.size === 'number') return shortestEdgeSize(width, height, step.size);
    return [step.size[1], step.size[0]];
  }

  /** Resized size and crop offsets for an input size (torchvision center_crop / timm center_crop_or_pad). */
  geometry(width: number, height: number): TimmGeometry {
    const [rw, rh] = this.resizedSize(width, height);
    const [ch, cw] = this.cropSize;
    // Padding first centres the image in the crop (left/top get the floor half) ...
    const padLeft = cw > rw ? Math.floor((cw - rw) / 2) : 0;
    const padTop = ch > rh ? Math.floor((ch - rh) / 2) : 0;
    const pw = cw > rw ? cw : rw;
    const ph = ch > rh ? ch : rh;
    // ... then the crop offset is Python's round((size - crop) / 2), ties to even.
    const left = roundHalfEven((pw - cw) / 2) - padLeft;
    const top = roundHalfEven((ph - ch) / 2) - padTop;
    return { resizedWidth: rw, resizedHeight: rh, cropLeft: left, cropTop: top };
  }

  /** The uint8 image after resize and crop (before ToTensor); padding, where needed, is `fill`. */
  resizeAndCrop(image: RgbImage): RgbImage {
    const g = this.geometry(image.width, image.height);
    const resized = resize(image, g.resizedWidth, g.resizedHeight, this.resizeStep.interpolation);
    const [ch, cw] = this.cropSize;
    return crop(resized, g.cropLeft, g.cropTop, cw, ch, this.fill);
  }

  /** ToTensor + Normalize lookup: channel c, byte x at c * 256 + x. */
  get pixelTable(): ChannelTable {
    return this.table;
  }

  /** A readable rendering of the pipeline, like printing timm's Compose. */
  describe(): string[] {
    const s = this.resizeStep;
    const size = typeof s.size === 'number' ? `${s.size}` : `(${s.size[0]}, ${s.size[1]})`;
    const longest = s.kind === 'ResizeKeepRatio' ? `, longest=${(s.longest ?? 0).toFixed(3)}` : '';
    const cropName = this.config.cropMode === 'border' ? 'CenterCropOrPad' : 'CenterCrop';
    return [
      `${s.kind}(size=${size}, interpolation=${s.interpolation}${longest})`,
      `${cropName}(size=(${this.cropSize[0]}, ${this.cropSize[1]}))`,
      'MaybeToTensor()',
      `Normalize(mean=[${this.config.mean.join(', ')}], std=[${this.config.std.join(', ')}])`,
    ];
  }
}

/** Applies `transform` to each image and stacks the results: pixel values [B, 3, H, W]. */
export function timmPixelValues(transform: TimmEvalTransform, images: readonly RgbImage[]): Tensor {
  return stack(images.map((image) => transform.resizeAndCrop(image)), transform.pixelTable);
}
