import type { ActivationName } from './activation-name.js';
import { checkLength, checkSize } from './check.js';
import { linearReference } from '../reference/linear.js';
import { allocFloat32 } from '../storage.js';

/** What `linear` does to its result before returning: the activation first, then `out += residual`. */
export interface LinearEpilogue {
  activation?: ActivationName;
  /** [rows, outFeatures]; may be the same array as `out`. */
  residual?: Float32Array;
}

/** A linear layer's weights, packed once for the kernel. */
export interface LinearLayer {
  readonly outFeatures: number;
  readonly inFeatures: number;
  /** The weight in the kernel's layout (worker-shareable storage). */
  readonly packed: Float32Array;
  readonly bias: Float32Array | null; // [outFeatures]
}

/** Packs a torch-layout weight [outFeatures, inFeatures] (and bias [outFeatures]) for `linear`. */
export function prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): LinearLayer {
  checkSize('prepareLinear', 'outFeatures', outFeatures);
  checkSize('prepareLinear', 'inFeatures', inFeatures);
  if (weight.length !== outFeatures * inFeatures) {
    throw new RangeError(`prepareLinear: weight has ${weight.length} elements, expected [${outFeatures},${inFeatures}]`);
  }
  if (bias && bias.length !== outFeatures) throw new RangeError(`prepareLinear: bias has ${bias.length} elements, expected ${outFeatures}`);
  const packed = allocFloat32(weight.length);
  packed.set(weight);
  let b: Float32Array | null = null;
  if (bias) {
    b = allocFloat32(outFeatures);
    b.set(bias);
  }
  return { outFeatures, inFeatures, packed, bias: b };
}

/** out[rows, out] = x[rows, in] · Wᵀ + b, then the epilogue. `out` must not alias `x`. */
export function linear(x: Float32Array, rows: number, layer: LinearLayer, out: Float32Array, epilogue?: LinearEpilogue): void {
  linearRows(x, 0, rows, layer, out, epilogue);
}

/** `linear` restricted to rows [rowStart, rowEnd), so rows can be split across workers. */
export function linearRows(
  x: Float32Array,
  rowStart: number,
  rowEnd: number,
  layer: LinearLayer,
  out: Float32Array,
  epilogue: LinearEpilogue = {},
): void {
  const { inFeatures: k, outFeatures: n } = layer;
  checkSize('linear', 'rowStart', rowStart);
  checkSize('linear', 'rowEnd', rowEnd);
  checkLength('linear', 'x', x, rowEnd * k);
  checkLength('linear', 'out', out, rowEnd * n);
  if (epilogue.residual) checkLength('linear', 'residual', epilogue.residual, rowEnd * n);
  const rows = rowEnd - rowStart;
  const res = epilogue.residual;
  linearReference(
    x.subarray(rowStart * k, rowEnd * k), rows, layer.packed, layer.bias, n, k, out.subarray(rowStart * n, rowEnd * n),
    { activation: epilogue.activation, residual: res ? res.subarray(rowStart * n, rowEnd * n) : undefined },
  );
}
