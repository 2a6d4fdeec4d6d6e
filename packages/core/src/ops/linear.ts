/**
 * Op `linear`: out[rows, outFeatures] = x[rows, inFeatures] · Wᵀ + b, then the fused epilogue: the
 * activation, then `+ residual` (torch's `act(F.linear(x, W, b)) + residual`, each step rounded to float32).
 * Rows may be strided (a group's columns of im2row rows, a column block of a wider output). The GEMM at the
 * heart of every model; convolutions and patch embeddings reach it too.
 */

import { activationReference, checkActivationName } from './activation.js';
import type { ActivationName } from './activation-name.js';
import { checkLength, checkMatrix, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

/**
 * A linear layer's weight as a backend prepared it (`arena.prepareLinear`): W [outFeatures, inFeatures] in
 * the backend's own `layout` (a packed panel order for the CPU GEMMs; 'torch', row-major [out, in], for the
 * reference) and the bias [outFeatures].
 */
export interface GemmWeight<A> {
  readonly outFeatures: number;
  readonly inFeatures: number;
  /** Which backend packing `packed` follows; a backend refuses weights in another layout. */
  readonly layout: string;
  readonly packed: A;
  readonly bias: A | null;
}

export interface LinearArgs<A> {
  /** [rows, inFeatures], row stride `ldx` (default inFeatures). */
  x: A;
  rows: number;
  ldx?: number;
  weight: GemmWeight<A>;
  /** [rows, outFeatures], row stride `ldo` (default outFeatures); must not overlap `x`. */
  out: A;
  ldo?: number;
  /** Applied after the bias (default: none). */
  activation?: ActivationName;
  /** [rows, outFeatures], row stride `ldr` (default outFeatures), added last; may be `out` itself. */
  residual?: A | null;
  ldr?: number;
}

/** The reference's layout: torch's row-major [outFeatures, inFeatures]. */
export const TORCH_LAYOUT = 'torch';

/** A weight in the reference's layout (the arrays are used as given). */
export function torchGemmWeight(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GemmWeight<Float32Array> {
  checkGemmWeightData('prepareLinear', weight, bias, outFeatures, inFeatures);
  return { outFeatures, inFeatures, layout: TORCH_LAYOUT, packed: weight, bias };
}

/** Checks a host weight [outFeatures, inFeatures] and bias [outFeatures] before a backend packs them. */
export function checkGemmWeightData(op: string, weight: Sized, bias: Sized | null, outFeatures: number, inFeatures: number): void {
  checkSize(op, 'outFeatures', outFeatures);
  checkSize(op, 'inFeatures', inFeatures);
  if (weight.length !== outFeatures * inFeatures) {
    throw new RangeError(`${op}: weight has ${weight.length} elements, expected [${outFeatures},${inFeatures}]`);
  }
  if (bias && bias.length !== outFeatures) throw new RangeError(`${op}: bias has ${bias.length} elements, expected ${outFeatures}`);
}

export const linear = declareOp({
  name: 'linear',
  outputs: ['out'],
  check(a: LinearArgs<Sized>): void {
    const { inFeatures: k, outFeatures: n } = a.weight;
    checkSize('linear', 'rows', a.rows);
    checkMatrix('linear', 'x', a.x, a.rows, k, a.ldx ?? k);
    checkMatrix('linear', 'out', a.out, a.rows, n, a.ldo ?? n);
    if (a.residual) checkMatrix('linear', 'residual', a.residual, a.rows, n, a.ldr ?? n);
    if (a.weight.bias) checkLength('linear', 'bias', a.weight.bias, n);
    if (a.activation !== undefined) checkActivationName('linear', a.activation);
  },
  reference(a: LinearArgs<Float32Array>): void {
    const { inFeatures: k, outFeatures: n, bias } = a.weight;
    if (a.weight.layout !== TORCH_LAYOUT) throw new TypeError(`linear reference: the weight is packed for "${a.weight.layout}", not [out, in]`);
    const w = a.weight.packed;
    const ldx = a.ldx ?? k, ldo = a.ldo ?? n, ldr = a.ldr ?? n;
    const row = new Float32Array(n);
    for (let r = 0; r < a.rows; r++) {
      for (let o = 0; o < n; o++) {
        let s = bias ? bias[o] : 0;
        for (let i = 0; i < k; i++) s += a.x[r * ldx + i] * w[o * k + i];
        row[o] = s;
      }
      if (a.activation) activationReference(a.activation, row, row);
      // Read the residual before writing: it may be `out` itself.
      if (a.residual) for (let o = 0; o < n; o++) row[o] += a.residual[r * ldr + o];
      a.out.set(row, r * ldo);
    }
  },
});
