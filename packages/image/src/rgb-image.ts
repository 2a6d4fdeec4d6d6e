/** An 8-bit RGB image, row-major and interleaved: what PIL's `convert('RGB')` holds. */
export interface RgbImage {
  /** [height, width, 3] */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** A new image of the given size, zero-filled (black). */
export function createRgbImage(width: number, height: number): RgbImage {
  return { data: new Uint8Array(width * height * 3), width, height };
}

/** Throws unless `image` is a well-formed RgbImage. */
export function assertRgbImage(image: RgbImage, what = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${what}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw new RangeError(`${what}: data must be a Uint8Array of width*height*3 = ${width * height * 3} bytes, got ${data?.length}`);
  }
}
