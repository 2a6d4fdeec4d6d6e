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

/** Token `index` of every sequence: x [batch, tokens, dim] → [batch, dim] (a copy). */
export function selectToken(x: Tensor, index = 0): Tensor {
  const [batch, tokens, dim] = x.shape;
  const out = Tensor.zeros([batch, dim]);
  for (let b = 0; b < batch; b++) out.data.set(x.data.subarray((b * tokens + index) * dim, (b * tokens + index + 1) * dim), b * dim);
  return out;
}

/**
 * Drops `prefix` tokens of x [batch, tokens, dim]: NLC [batch, tokens - prefix, dim], or with a
 * `grid` [gh, gw] the NCHW map [batch, dim, gh, gw].
 */
export function patchTokens(x: Tensor, prefix: number, grid: readonly [number, number] | null): Tensor {
  const [batch, tokens, dim] = x.shape;
  const n = tokens - prefix;
  if (!grid) {
    const out = Tensor.zeros([batch, n, dim]);
    for (let b = 0; b < batch; b++) out.data.set(x.data.subarray((b * tokens + prefix) * dim, (b + 1) * tokens * dim), b * n * dim);
    return out;
  }
  if (grid[0] * grid[1] !== n) throw new RangeError(`${n} patch tokens do not fill a ${grid[0]}x${grid[1]} grid`);
  const out = Tensor.zeros([batch, dim, grid[0], grid[1]]);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < n; p++) {
      const src = (b * tokens + prefix + p) * dim;
      for (let c = 0; c < dim; c++) out.data[(b * dim + c) * n + p] = x.data[src + c];
    }
  }
  return out;
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
