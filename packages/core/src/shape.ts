/** Shape helpers shared by tensors and kernels. Shapes are row-major and contiguous. */

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function shapeStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless every dimension is a non-negative integer. */
export function assertValidShape(shape: Shape, what = 'shape'): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`${what} ${formatShape(shape)} has an invalid dimension ${d}`);
  }
}

/** Resolves a single `-1` in `shape` against `size` elements (as torch's reshape does). */
export function inferShape(shape: Shape, size: number): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1)) throw new RangeError(`only one dimension can be -1 in ${formatShape(shape)}`);
  if (free >= 0) {
    const known = shapeSize(out.filter((_, i) => i !== free));
    if (known === 0 || size % known !== 0) {
      throw new RangeError(`cannot reshape ${size} elements into ${formatShape(shape)}`);
    }
    out[free] = size / known;
  }
  assertValidShape(out);
  if (shapeSize(out) !== size) throw new RangeError(`cannot reshape ${size} elements into ${formatShape(shape)}`);
  return out;
}
