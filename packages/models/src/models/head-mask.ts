import { formatShape, type Tensor } from '@purevit/core';

/**
 * transformers' get_head_mask: a [heads] mask applies to every layer, a [layers, heads] mask gives
 * each layer its own. Returns one [heads] view per layer (undefined where no mask is given).
 */
export function headMaskPerLayer(headMask: Tensor | null | undefined, layers: number, heads: number): (Float32Array | undefined)[] {
  if (!headMask) return new Array<Float32Array | undefined>(layers).fill(undefined);
  const shape = headMask.shape;
  if (shape.length === 1 && shape[0] === heads) return new Array<Float32Array>(layers).fill(headMask.data);
  if (shape.length === 2 && shape[0] === layers && shape[1] === heads) {
    return Array.from({ length: layers }, (_, i) => headMask.data.subarray(i * heads, (i + 1) * heads));
  }
  throw new RangeError(`headMask must have shape [${heads}] or [${layers},${heads}] (heads or layers × heads), got ${formatShape(shape)}`);
}
