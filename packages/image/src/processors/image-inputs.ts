import { ImageError } from '../errors.js';
import { loadImage, type ImageInput, type LoadImageOptions } from '../load-image.js';
import type { RgbImage } from '../rgb-image.js';

/** One image or a batch, as processors accept them. */
export type ImageBatchInput = ImageInput | readonly ImageInput[];

/** Decoded images at least this large get a GC turn once they are garbage (see `reclaimPause`). */
const LARGE_IMAGE_BYTES = 16 * 1024 * 1024;

/**
 * Loads the images one at a time and passes each through `prepare` (resize, crop) as soon as it is
 * decoded, keeping only what `prepare` returns: a batch holds one full-size decoded image at a time,
 * not all of them.
 */
export async function loadPrepared(images: ImageBatchInput, options: LoadImageOptions, prepare: (image: RgbImage) => RgbImage): Promise<RgbImage[]> {
  const prepared: RgbImage[] = [];
  for (const input of imageList(images)) {
    const { image, decodedBytes } = await loadAndPrepare(input, options, prepare);
    prepared.push(image);
    await reclaimPause(decodedBytes);
  }
  return prepared;
}

/**
 * Decodes one image and prepares it. The decoded image is garbage when this returns (unless `keep`):
 * its frame is gone, so nothing of the caller's still points at it.
 */
export async function loadAndPrepare(
  input: ImageInput,
  options: LoadImageOptions,
  prepare: (image: RgbImage) => RgbImage,
  keep = false,
): Promise<{ image: RgbImage; decoded: RgbImage | undefined; decodedBytes: number }> {
  const decoded = await loadImage(input, options);
  return { image: prepare(decoded), decoded: keep ? decoded : undefined, decodedBytes: decoded.data.byteLength };
}

/**
 * A macrotask turn after a large decoded image became garbage: V8 frees large ArrayBuffers from a
 * GC task, which microtasks (awaits) never let run, so without this pause the next image of a batch
 * is decoded while the previous one still holds its memory (4 large images: 4 times the peak).
 */
export async function reclaimPause(decodedBytes: number): Promise<void> {
  if (decodedBytes >= LARGE_IMAGE_BYTES) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

function imageList(images: ImageBatchInput): readonly ImageInput[] {
  const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
  if (list.length === 0) throw new ImageError('invalid_input', 'preprocess: no images given');
  return list;
}
