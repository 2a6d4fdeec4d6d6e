import type { Tensor } from '@purevit/core';
import { loadAndPrepare, reclaimPause, type AnyImageProcessor, type ImageInput, type RgbImage } from '@purevit/image';
import { withErrorContext } from '@purevit/weights';
import { checkBatchSize, type PipelineCallOptions } from './pipeline-options.js';

/** One or many images, as every pipeline takes them (anything `loadImage` accepts). */
export type PipelineInput = ImageInput | readonly ImageInput[];

export function inputList(images: PipelineInput): readonly ImageInput[] {
  const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
  if (list.length === 0) throw new RangeError('pipeline: no images given');
  return list;
}

/** One batch as a step sees it. */
export interface Batch {
  pixelValues: Tensor;
  /** Each image's name in messages: its path or URL, else "image <index>". */
  names: readonly string[];
  /** The decoded images, only when the pipeline asked to keep them (`keepDecoded`). */
  decoded: readonly RgbImage[];
}

/**
 * Runs `step` over the images `batchSize` at a time, decoding each batch only when it is reached and
 * each image one at a time: an image is prepared (resized, cropped) as soon as it is decoded, and the
 * full-size decoded image is released then unless `keepDecoded` (the attention map returns it).
 * Concatenates the per-image results in input order.
 */
export async function inBatches<R>(
  images: readonly ImageInput[],
  processor: AnyImageProcessor,
  batchSize: number,
  options: PipelineCallOptions,
  step: (batch: Batch) => Promise<R[]>,
  keepDecoded = false,
): Promise<R[]> {
  const size = checkBatchSize(options.batchSize ?? batchSize);
  const results: R[] = [];
  for (let start = 0; start < images.length; start += size) {
    const prepared: RgbImage[] = [];
    const decoded: RgbImage[] = [];
    const names: string[] = [];
    for (const [i, input] of images.slice(start, start + size).entries()) {
      const name = nameOf(input, start + i);
      names.push(name);
      const item = await loadNamed(input, name, processor, keepDecoded);
      prepared.push(item.image);
      if (item.decoded) decoded.push(item.decoded);
      await reclaimPause(item.decodedBytes);
    }
    results.push(...(await step({ pixelValues: processor.pixelValuesOf(prepared), names, decoded })));
    options.onProgress?.(results.length, images.length);
  }
  return results;
}

function nameOf(image: ImageInput, index: number): string {
  return typeof image === 'string' && !image.startsWith('data:') ? image : `image ${index}`;
}

/** loadAndPrepare, with errors naming the input (same error class, message prefixed). */
async function loadNamed(image: ImageInput, name: string, processor: AnyImageProcessor, keep: boolean): ReturnType<typeof loadAndPrepare> {
  try {
    return await loadAndPrepare(image, {}, (rgb) => processor.prepareImage(rgb), keep);
  } catch (e) {
    if (e instanceof Error && e.message.includes(name)) throw e;
    throw withErrorContext(e, name);
  }
}
