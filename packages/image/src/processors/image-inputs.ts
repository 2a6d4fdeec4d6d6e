import { ImageError } from '../errors.js';
import { loadImage, type ImageInput, type LoadImageOptions } from '../load-image.js';
import type { RgbImage } from '../rgb-image.js';

/** One image or a batch, as processors accept them. */
export type ImageBatchInput = ImageInput | readonly ImageInput[];

/** Loads one image or a list of images (each anything `loadImage` accepts). */
export async function loadImages(images: ImageBatchInput, options: LoadImageOptions = {}): Promise<RgbImage[]> {
  return loadPrepared(images, options, (image) => image);
}

/**
 * Loads the images one at a time and passes each through `prepare` (resize, crop) as soon as it is
 * decoded, keeping only what `prepare` returns: a batch holds one full-size decoded image at a time,
 * not all of them.
 */
export async function loadPrepared(images: ImageBatchInput, options: LoadImageOptions, prepare: (image: RgbImage) => RgbImage): Promise<RgbImage[]> {
  const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
  if (list.length === 0) throw new ImageError('invalid_input', 'preprocess: no images given');
  const prepared: RgbImage[] = [];
  for (const input of list) prepared.push(prepare(await loadImage(input, options)));
  return prepared;
}
