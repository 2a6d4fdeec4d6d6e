/**
 * transformers' `center_crop` (image_transforms.py at the golden's pinned commit) on a uint8 image:
 * the crop starts at `top = (H - h) // 2`, `left = (W - w) // 2` (floor division). Where the crop
 * is larger than the image, transformers first zero-pads it by `ceil(diff / 2)` before and crops
 * the padded array at `top + pad`; in source coordinates that is the same `top`, with zeros outside
 * the image, which is exactly PIL-style `crop` with a black fill.
 */

import { crop } from '../crop.js';
import type { RgbImage } from '../rgb-image.js';
import type { HeightWidth } from './size-dict.js';

export interface CropOrigin {
  /** Column of the crop's first pixel in the source image (negative where zero padding comes first). */
  readonly left: number;
  readonly top: number;
}

/** Top-left corner of transformers' centre crop of a `width` x `height` image. */
export function centerCropOrigin(width: number, height: number, size: HeightWidth): CropOrigin {
  return { left: Math.floor((width - size.width) / 2), top: Math.floor((height - size.height) / 2) };
}

/** The centre crop (zero padding where the crop is larger than the image). */
export function centerCrop(image: RgbImage, size: HeightWidth): RgbImage {
  const { left, top } = centerCropOrigin(image.width, image.height, size);
  return crop(image, left, top, size.width, size.height);
}
