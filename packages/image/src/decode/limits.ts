import { ImageError } from '../errors.js';

export interface DecodeOptions {
  /**
   * Largest accepted width × height; larger images are refused from their header, before any
   * pixel memory is allocated. Default 178,956,970: PIL's decompression-bomb error threshold
   * (2 × Image.MAX_IMAGE_PIXELS). Infinity disables the check.
   */
  maxPixels?: number;
  /**
   * Largest accepted width or height, checked from the header too. Default 16,777,216 (2^24): PIL's
   * resize takes its source box as float32, exact only up to 2^24, so no larger side can be
   * preprocessed PIL-exactly (a 1×178956970 image would decode for seconds, then fail to resize).
   */
  maxSide?: number;
}

/** PIL's `Image.MAX_IMAGE_PIXELS` is 89,478,485; `Image.open` refuses twice that. */
export const DEFAULT_MAX_PIXELS = 2 * Math.floor((1024 * 1024 * 1024) / 4 / 3);

/** 2^24: the largest integer float32 holds exactly, hence the largest side PIL's resize box can name. */
export const DEFAULT_MAX_SIDE = 2 ** 24;

export function checkPixelLimit(format: string, width: number, height: number, options: DecodeOptions): void {
  const limit = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > limit) {
    throw new ImageError(
      'too_large',
      `${format}: image size (${width}x${height} = ${width * height} pixels) exceeds the limit of ${limit} pixels, ` +
        'could be a decompression bomb (raise maxPixels to allow it)',
    );
  }
  checkSideLimit(format, width, height, options.maxSide ?? DEFAULT_MAX_SIDE);
}

/** A size message for images with a side over `maxSide` (default 2^24: see DecodeOptions.maxSide). */
export function checkSideLimit(what: string, width: number, height: number, maxSide = DEFAULT_MAX_SIDE): void {
  if (width > maxSide || height > maxSide) {
    throw new ImageError(
      'too_large',
      `${what}: image size ${width}x${height} has a side over ${maxSide} pixels, the largest that PIL's resize ` +
        '(float32 box) handles exactly (raise maxSide to decode it anyway)',
    );
  }
}
