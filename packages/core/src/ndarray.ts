import ndarray from 'ndarray';
import { Tensor } from './tensor.js';

/** A scijs ndarray of numbers (typed array, plain array, or a `{ get, set, length }` store). */
export type NumericNdarray = ndarray.NdArray<ndarray.Data<number>>;

/**
 * Copies any ndarray view (any strides, including negative ones from `.step(-1)`, any offset, any
 * numeric storage) into a new contiguous float32 Tensor of the same shape.
 */
export function tensorFromNdarray(nd: NumericNdarray): Tensor {
  const shape = [...nd.shape];
  const stride = [...nd.stride];
  const t = Tensor.zeros(shape);
  const out = t.data;
  const data = nd.data;
  const read: (i: number) => number =
    typeof (data as ndarray.GenericArray<number>).get === 'function'
      ? (i) => (data as ndarray.GenericArray<number>).get(i)
      : (i) => (data as ArrayLike<number>)[i];
  const rank = shape.length;
  if (rank === 0) {
    out[0] = read(nd.offset);
    return t;
  }
  if (t.size === 0) return t;
  const last = rank - 1;
  const n = shape[last];
  const s = stride[last];
  const index = new Array<number>(rank).fill(0);
  let base = nd.offset;
  let o = 0;
  for (;;) {
    for (let i = 0, src = base; i < n; i++, src += s) out[o++] = read(src);
    // Odometer over the outer axes.
    let axis = last - 1;
    while (axis >= 0) {
      index[axis]++;
      base += stride[axis];
      if (index[axis] < shape[axis]) break;
      base -= stride[axis] * shape[axis];
      index[axis] = 0;
      axis--;
    }
    if (axis < 0) return t;
  }
}

/** An ndarray view of a tensor: same Float32Array, row-major strides, no copy (writes go through). */
export function tensorToNdarray(t: Tensor): ndarray.NdArray<Float32Array> {
  return ndarray(t.data, [...t.shape]);
}
