import { ImageError } from '../errors.js';
import { loadImage, type ImageInput, type LoadImageOptions } from '../load-image.js';
import type { RgbImage } from '../rgb-image.js';

/** One image or a batch, as processors accept them. */
export type ImageBatchInput = ImageInput | readonly ImageInput[];

/** Loads one image or a list of images (each anything `loadImage` accepts). */
export async function loadImages(images: ImageBatchInput, options: LoadImageOptions = {}): Promise<RgbImage[]> {
  const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
  if (list.length === 0) throw new ImageError('invalid_input', 'preprocess: no images given');
  return Promise.all(list.map((image) => loadImage(image, options)));
}
