import { activationKind, type ActivationName } from './activation-name.js';
import { activationRange } from './activations.js';
import { checkLength, checkSize } from './check.js';
import { gemmAccumulate, packedLength, packTransposed } from './gemm.js';
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
  /** Wᵀ in panels of 4 output features, k-major (see gemm.ts), in worker-shareable storage. */
  readonly packed: Float32Array; // [ceil(outFeatures / 4), inFeatures, 4]
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
  const packed = allocFloat32(packedLength(inFeatures, outFeatures));
  packTransposed(weight, outFeatures, inFeatures, packed);
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

/** Rows handled per step: their outputs are still in cache when the epilogue runs over them. */
const ROW_BLOCK = 16;

/** `linear` restricted to rows [rowStart, rowEnd), so rows can be split across workers. */
export function linearRows(
  x: Float32Array, // [rows, inFeatures]
  rowStart: number,
  rowEnd: number,
  layer: LinearLayer,
  out: Float32Array, // [rows, outFeatures]
  epilogue: LinearEpilogue = {},
): void {
  const { inFeatures: k, outFeatures: n, bias, packed } = layer;
  checkSize('linear', 'rowStart', rowStart);
  checkSize('linear', 'rowEnd', rowEnd);
  checkLength('linear', 'x', x, rowEnd * k);
  checkLength('linear', 'out', out, rowEnd * n);
  const residual = epilogue.residual;
  if (residual) checkLength('linear', 'residual', residual, rowEnd * n);
  const kind = epilogue.activation ? activationKind(epilogue.activation) : null;
  const act = kind !== null && kind !== 'identity' ? kind : null;
  // With a residual (which may be `out` itself) the product goes to a small scratch block first.
  const dst = residual ? scratchRows(ROW_BLOCK * n) : out;
  for (let r0 = rowStart; r0 < rowEnd; r0 += ROW_BLOCK) {
    const r1 = Math.min(rowEnd, r0 + ROW_BLOCK);
    const base = residual ? r0 : 0; // row r lives at dst[(r - base) * n]
    for (let r = r0; r < r1; r++) {
      if (bias) dst.set(bias, (r - base) * n);
      else dst.fill(0, (r - base) * n, (r - base + 1) * n);
    }
    gemmAccumulate(x, 0, k, r0, r1, k, packed, n, dst, -base * n, n);
    const from = (r0 - base) * n;
    const to = (r1 - base) * n;
    if (act) activationRange(act, dst, dst, from, to);
    if (residual) for (let i = from, j = r0 * n; i < to; i++, j++) out[j] = dst[i] + residual[j];
  }
}

let scratch = new Float32Array(0);
function scratchRows(length: number): Float32Array {
  if (scratch.length < length) scratch = new Float32Array(length);
  return scratch;
}
