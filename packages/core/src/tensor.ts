import { allocFloat32 } from './storage.js';
import { assertValidShape, formatShape, inferShape, shapeSize, shapeStrides, type Shape } from './shape.js';

/**
 * A dense float32 tensor: row-major, contiguous. `data` may be a view into a larger (possibly
 * shared) buffer, so reshapes and leading-axis slices are free and never copy.
 */
export class Tensor {
  /** The elements, row-major; exactly `shapeSize(shape)` long. */
  readonly data: Float32Array;
  readonly shape: Shape;

  constructor(data: Float32Array, shape: Shape) {
    assertValidShape(shape);
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new RangeError(`Tensor: shape ${formatShape(shape)} needs ${size} elements, got ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  /** A zero-filled tensor in worker-shareable storage. */
  static zeros(shape: Shape): Tensor {
    assertValidShape(shape);
    return new Tensor(allocFloat32(shapeSize(shape)), shape);
  }

  /** Copies `values` into a new tensor of the given shape. */
  static from(values: ArrayLike<number>, shape: Shape = [values.length]): Tensor {
    const t = Tensor.zeros(shape);
    if (values.length !== t.size) {
      throw new RangeError(`Tensor.from: shape ${formatShape(shape)} needs ${t.size} values, got ${values.length}`);
    }
    t.data.set(values);
    return t;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get strides(): number[] {
    return shapeStrides(this.shape);
  }

  /** Same data, new shape (one dimension may be -1). */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.data, inferShape(shape, this.size));
  }

  /** A view of rows `start..end` (exclusive) of the leading axis. */
  slice(start: number, end: number = this.shape[0]): Tensor {
    if (this.rank === 0) throw new RangeError('Tensor.slice: cannot slice a scalar');
    const n = this.shape[0];
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
      throw new RangeError(`Tensor.slice: range ${start}..${end} is outside 0..${n}`);
    }
    const inner = n === 0 ? 0 : this.size / n;
    return new Tensor(this.data.subarray(start * inner, end * inner), [end - start, ...this.shape.slice(1)]);
  }

  /** A view of entry `index` of the leading axis, with that axis removed. */
  select(index: number): Tensor {
    return this.slice(index, index + 1).reshape(this.shape.slice(1));
  }

  /** The element at a full index. */
  get(...index: number[]): number {
    if (index.length !== this.rank) throw new RangeError(`Tensor.get: expected ${this.rank} indices, got ${index.length}`);
    let offset = 0;
    const strides = this.strides;
    for (let i = 0; i < index.length; i++) {
      const k = index[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]) {
        throw new RangeError(`Tensor.get: index ${k} out of range for axis ${i} of size ${this.shape[i]}`);
      }
      offset += k * strides[i];
    }
    return this.data[offset];
  }

  /** A copy in fresh storage. */
  clone(): Tensor {
    const t = Tensor.zeros(this.shape);
    t.data.set(this.data);
    return t;
  }

  /** Nested plain arrays (for printing, JSON and tests). */
  toNested(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      const n = this.shape[axis];
      if (axis === this.rank - 1) return Array.from(this.data.subarray(offset, offset + n));
      const inner = shapeSize(this.shape.slice(axis + 1));
      return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * inner));
    };
    return this.rank === 0 ? this.data[0] : build(0, 0);
  }

  toString(): string {
    return `Tensor${formatShape(this.shape)}`;
  }
}

export type NestedArray = number | NestedArray[];
