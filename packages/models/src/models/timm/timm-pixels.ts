import { Tensor, formatShape } from '@purevit/core';

/** Checks `pixelValues` is [batch, in_chans, height, width] with finite values; returns the shape. */
export function checkTimmPixels(pixelValues: Tensor, inChans: number): [number, number, number, number] {
  if (!(pixelValues instanceof Tensor)) throw new TypeError('pixelValues must be a Tensor [batch, channels, height, width]');
  const shape = pixelValues.shape;
  if (shape.length !== 4) throw new RangeError(`pixelValues must be [batch, channels, height, width], got shape ${formatShape(shape)}`);
  if (shape[1] !== inChans) throw new RangeError(`pixelValues has ${shape[1]} channels, the model expects ${inChans} (in_chans)`);
  const data = pixelValues.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new RangeError(`pixelValues contains ${data[i]} at flat index ${i}`);
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}
