import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { Tensor, tensorFromNdarray, tensorToNdarray } from '@purevit/core';

/** Every element of an ndarray in row-major order, read through its own `get` (the truth here). */
function elements(nd: ndarray.NdArray<ndarray.Data<number>>): number[] {
  const out: number[] = [];
  const walk = (axis: number, idx: number[]): void => {
    if (axis === nd.dimension) {
      out.push(nd.get(...idx) as number);
      return;
    }
    for (let i = 0; i < nd.shape[axis]; i++) walk(axis + 1, [...idx, i]);
  };
  walk(0, []);
  return out;
}

describe('ndarray interop', () => {
  const base = ndarray(Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 1.5 - 7), [2, 3, 4]);

  it('copies contiguous, transposed, stepped (negative stride) and offset views', () => {
    const views = [
      base,
      base.transpose(2, 0, 1),
      base.step(-1, 1, -2),
      base.hi(2, 2, 3).lo(1, 1, 1),
      base.pick(1, null, null),
      base.pick(null, 2, null).step(-1, -1),
    ];
    for (const v of views) {
      const t = tensorFromNdarray(v);
      expect(t.shape).toEqual(v.shape);
      expect(Array.from(t.data)).toEqual(elements(v).map(Math.fround));
    }
  });

  it('accepts plain arrays, generic get/set stores, 0-d and empty arrays', () => {
    const plain = ndarray([1, 2, 3, 4, 5, 6], [3, 2]).transpose(1, 0);
    expect(Array.from(tensorFromNdarray(plain).data)).toEqual([1, 3, 5, 2, 4, 6]);
    const store = { length: 4, get: (i: number) => i * 10, set: () => undefined };
    expect(Array.from(tensorFromNdarray(ndarray(store, [2, 2]).step(-1, 1)).data)).toEqual([20, 30, 0, 10]);
    const scalar = tensorFromNdarray(ndarray(Float32Array.of(9, 8, 7), [], [], 1));
    expect(scalar.shape).toEqual([]);
    expect(scalar.data[0]).toBe(8);
    expect(tensorFromNdarray(ndarray(new Float32Array(0), [0, 3])).shape).toEqual([0, 3]);
  });

  it('tensorToNdarray is a view sharing the data', () => {
    const t = Tensor.from([0, 1, 2, 3, 4, 5], [2, 3]);
    const nd = tensorToNdarray(t);
    expect(nd.shape).toEqual([2, 3]);
    expect(nd.get(1, 2)).toBe(5);
    nd.set(0, 1, 42);
    expect(t.get(0, 1)).toBe(42);
    expect(nd.data).toBe(t.data);
    expect(Array.from(tensorFromNdarray(nd.transpose(1, 0)).data)).toEqual([0, 3, 42, 4, 2, 5]);
  });
});
