import { describe, expect, it } from 'vitest';
import { Tensor, allocFloat32, isShared } from '@purevit/core';

describe('Tensor', () => {
  it('reshapes and slices as views over the same storage', () => {
    const t = Tensor.from([0, 1, 2, 3, 4, 5], [2, 3]);
    const r = t.reshape([3, -1]);
    expect(r.shape).toEqual([3, 2]);
    r.data[0] = 42;
    expect(t.get(0, 0)).toBe(42);
    const row = t.select(1);
    expect(row.shape).toEqual([3]);
    expect(Array.from(row.data)).toEqual([3, 4, 5]);
    expect(t.slice(1).toNested()).toEqual([[3, 4, 5]]);
  });

  it('rejects inconsistent shapes with a message naming them', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(/\[2,3\] needs 6 elements, got 5/);
    expect(() => Tensor.from([1, 2, 3]).reshape([2, -1])).toThrow(/cannot reshape 3 elements/);
    expect(() => Tensor.zeros([2, 2]).get(2, 0)).toThrow(/out of range/);
  });

  it('allocates plain storage (engines copy it into their heap), shared only on request', () => {
    expect(isShared(Tensor.zeros([4]).data)).toBe(false);
    expect(isShared(allocFloat32(4, true))).toBe(true);
    expect(allocFloat32(3)).toEqual(new Float32Array(3));
  });
});
