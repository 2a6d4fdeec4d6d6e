import { crop } from '../crop.js';
import { checkSideLimit } from '../decode/limits.js';
import { ImageError } from '../errors.js';
import { assertRgbImage, type RgbImage } from '../rgb-image.js';
import { FILTERS, resampleName, type Resample } from './filters.js';
import { pilNearest } from './pil-nearest.js';
import { pilResample } from './pil-resample.js';

export interface ResizeOptions {
  /** PIL's `box`: the source region [left, top, right, bottom] to scale (floats allowed); default the whole image. */
  box?: readonly [number, number, number, number];
}

/**
 * PIL's `Image.resize((width, height), resample, box)` on an RGB image (Pillow 9.4, no
 * `reducing_gap`), bit-exact. `resample` defaults to BICUBIC, PIL's default for RGB.
 */
export function resize(image: RgbImage, width: number, height: number, resample: Resample = 'bicubic', options: ResizeOptions = {}): RgbImage {
  assertRgbImage(image);
  const filter = resampleName(resample);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageError('invalid_input', `resize: height and width must be positive integers, got ${width}x${height}`);
  }
  // Beyond 2^24 the float32 box below is not the image's size any more: a size message, not a box error.
  checkSideLimit('resize', image.width, image.height);
  checkSideLimit('resize (target)', width, height);
  // PIL parses the box as four C floats.
  const box = (options.box ?? [0, 0, image.width, image.height]).map((v) => Math.fround(v));
  if (box.some((v) => !Number.isFinite(v))) throw new ImageError('invalid_input', `resize: box must be finite numbers, got ${options.box}`);
  if (box[0] < 0 || box[1] < 0) throw new ImageError('invalid_input', "resize: box offset can't be negative");
  if (box[2] > image.width || box[3] > image.height) throw new ImageError('invalid_input', "resize: box can't exceed original image size");
  if (box[2] - box[0] < 0 || box[3] - box[1] < 0) throw new ImageError('invalid_input', "resize: box can't be empty");

  // Integer box of exactly the requested size: PIL crops (this includes resizing to the same size).
  if (
    Number.isInteger(box[0]) && Number.isInteger(box[1]) &&
    Math.fround(box[2] - box[0]) === width && Math.fround(box[3] - box[1]) === height
  ) {
    return crop(image, box[0], box[1], width, height);
  }
  if (filter === 'nearest') return pilNearest(image, width, height, box);
  return pilResample(image, width, height, FILTERS[filter], box);
}
