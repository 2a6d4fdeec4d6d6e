// What every fuzzed image decode must satisfy, and the declared size the memory watchdog allows.
import { readImageInfo, type RgbImage } from '@purevit/image';
import { FuzzCheckError } from '../../../../test-utils/fuzz/family.js';

/** Fuzzed images are decoded with this pixel limit: larger headers must be refused, not decoded. */
export const FUZZ_MAX_PIXELS = 1 << 18;

export function checkImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!(width >= 1 && height >= 1 && width * height <= FUZZ_MAX_PIXELS)) throw new FuzzCheckError(`decoded a ${width}x${height} image`);
  if (data.length !== width * height * 3) throw new FuzzCheckError(`${data.length} bytes for ${width}x${height} RGB`);
}

/** 12 bytes per declared pixel (output and coefficients), or 0 when the header is unreadable or over the limit. */
export function declaredImageBytes(bytes: Uint8Array): number {
  try {
    const { width, height } = readImageInfo(bytes);
    return width * height <= FUZZ_MAX_PIXELS ? width * height * 12 : 0;
  } catch {
    return 0;
  }
}
