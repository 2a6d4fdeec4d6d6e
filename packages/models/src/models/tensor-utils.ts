import { Tensor, formatShape } from '@purevit/core';

/** Checks `pixelValues` is [batch, channels, height, width] with finite values; returns the shape. */
export function checkPixelValues(pixelValues: Tensor, channels: number): [number, number, number, number] {
  if (!(pixelValues instanceof Tensor)) throw new TypeError('pixelValues must be a Tensor [batch, channels, height, width]');
  const shape = pixelValues.shape;
  if (shape.length !== 4) throw new RangeError(`pixelValues must be [batch, channels, height, width], got shape ${formatShape(shape)}`);
  if (shape[1] !== channels) {
    throw new RangeError(`pixelValues has ${shape[1]} channels, the model expects ${channels} (config num_channels)`);
  }
  const data = pixelValues.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new RangeError(`pixelValues contains ${data[i]} at flat index ${i}`);
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** A boolean mask given as a Tensor (non-zero = true), bytes, booleans or numbers, as 0/1 numbers. */
export type BoolMask = Tensor | Uint8Array | readonly boolean[] | readonly number[];

export function boolMaskValues(mask: BoolMask): ArrayLike<number> {
  if (mask instanceof Tensor) return mask.data;
  if (mask instanceof Uint8Array) return mask;
  return Array.from(mask as readonly (boolean | number)[], (v) => (v ? 1 : 0));
}

/** A 0-d tensor (transformers' scalar loss). */
export function scalar(value: number): Tensor {
  return Tensor.from([value], []);
}
