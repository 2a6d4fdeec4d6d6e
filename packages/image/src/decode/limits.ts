import { ImageError } from '../errors.js';

export interface DecodeOptions {
  /**
   * Largest accepted width × height; larger images are refused from their header, before any
   * pixel memory is allocated. Default 178,956,970: PIL's decompression-bomb error threshold
   * (2 × Image.MAX_IMAGE_PIXELS). Infinity disables the check.
   */
  maxPixels?: number;
}

/** PIL's `Image.MAX_IMAGE_PIXELS` is 89,478,485; `Image.open` refuses twice that. */
export const DEFAULT_MAX_PIXELS = 2 * Math.floor((1024 * 1024 * 1024) / 4 / 3);

export function checkPixelLimit(format: string, width: number, height: number, options: DecodeOptions): void {
  const limit = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > limit) {
    throw new ImageError(
      'too_large',
      `${format}: image size (${width}x${height} = ${width * height} pixels) exceeds the limit of ${limit} pixels, ` +
        'could be a decompression bomb (raise maxPixels to allow it)',
    );
  }
}
