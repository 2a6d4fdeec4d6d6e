import { checkLength, checkSize } from './check.js';
import { layerNormReference } from '../reference/layer-norm.js';

/** Affine LayerNorm over the last axis; `weight`/`bias` may be null; `out` may alias `x`. */
export function layerNorm(
  x: Float32Array, // [rows, dim]
  rows: number,
  dim: number,
  weight: Float32Array | null, // [dim]
  bias: Float32Array | null, // [dim]
  eps: number,
  out: Float32Array, // [rows, dim]
): void {
  checkSize('layerNorm', 'rows', rows);
  checkSize('layerNorm', 'dim', dim);
  checkLength('layerNorm', 'x', x, rows * dim);
  checkLength('layerNorm', 'out', out, rows * dim);
  if (weight) checkLength('layerNorm', 'weight', weight, dim);
  if (bias) checkLength('layerNorm', 'bias', bias, dim);
  layerNormReference(x, rows, dim, weight, bias, eps, out);
}
