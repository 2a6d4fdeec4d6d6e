import type { Tensor } from '@purevit/core';
import { ImageError, loadImage, type AnyImageProcessor, type ImageInput, type RgbImage } from '@purevit/image';
import { checkBatchSize, type PipelineCallOptions } from './pipeline-options.js';

/** One or many images, as every pipeline takes them (anything `loadImage` accepts). */
export type PipelineInput = ImageInput | readonly ImageInput[];

export function inputList(images: PipelineInput): readonly ImageInput[] {
  const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
  if (list.length === 0) throw new RangeError('pipeline: no images given');
  return list;
}

/**
 * Runs `step` over the images `batchSize` at a time, decoding each batch only when it is reached so
 * memory holds one batch of pixels, and concatenates the per-image results in input order.
 */
export async function inBatches<R>(
  images: readonly ImageInput[],
  processor: AnyImageProcessor,
  batchSize: number,
  options: PipelineCallOptions,
  step: (pixelValues: Tensor, decoded: readonly RgbImage[]) => Promise<R[]>,
): Promise<R[]> {
  const size = checkBatchSize(options.batchSize ?? batchSize);
  const results: R[] = [];
  for (let start = 0; start < images.length; start += size) {
    const decoded = await Promise.all(images.slice(start, start + size).map((image, i) => loadNamed(image, start + i)));
    results.push(...(await step(processor.preprocessRgb(decoded), decoded)));
    options.onProgress?.(results.length, images.length);
  }
  return results;
}

/** loadImage, with errors naming the input: its path or URL, else its position in the list. */
async function loadNamed(image: ImageInput, index: number): Promise<RgbImage> {
  try {
    return await loadImage(image);
  } catch (e) {
    const name = typeof image === 'string' && !image.startsWith('data:') ? image : `image ${index}`;
    if (e instanceof ImageError) throw new ImageError(e.code, `${name}: ${e.message}`, { cause: e });
    if (e instanceof Error && !e.message.includes(name)) throw new Error(`${name}: ${e.message}`, { cause: e });
    throw e;
  }
}
