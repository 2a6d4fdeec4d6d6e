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

/** Row strides (elements) for `linearStrided`: x, out and residual default to dense rows. */
export interface LinearStrides {
  ldx?: number;
  ldo?: number;
  ldr?: number;
}

/**
 * `linear` over strided rows: x(r, i) = x[r·ldx + i], out(r, j) = out[r·ldo + j], residual likewise with
 * ldr (e.g. one group of a grouped conv, or a column block of a wider output). Same sums as `linear`.
 */
export function linearStrided(
  x: Float32Array,
  rows: number,
  layer: LinearLayer,
  out: Float32Array,
  epilogue: LinearEpilogue & LinearStrides = {},
): void {
  const { inFeatures: k, outFeatures: n, bias, packed } = layer;
  const ldx = epilogue.ldx ?? k, ldo = epilogue.ldo ?? n, ldr = epilogue.ldr ?? n;
  if (ldx === k && ldo === n && ldr === n) {
    linear(x, rows, layer, out, epilogue);
    return;
  }
  checkSize('linear', 'rows', rows);
  if (ldx < k || ldo < n || ldr < n) throw new RangeError(`linear: row strides (${ldx}, ${ldo}, ${ldr}) are smaller than the rows (${k}, ${n})`);
  if (rows === 0) return;
  checkLength('linear', 'x', x, (rows - 1) * ldx + k);
  checkLength('linear', 'out', out, (rows - 1) * ldo + n);
  const residual = epilogue.residual;
  if (residual) checkLength('linear', 'residual', residual, (rows - 1) * ldr + n);
  const kind = epilogue.activation ? activationKind(epilogue.activation) : null;
  const act = kind !== null && kind !== 'identity' ? kind : null;
  const dst = scratchRows(ROW_BLOCK * n); // [ROW_BLOCK, n], dense
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    for (let r = r0; r < r1; r++) {
      if (bias) dst.set(bias, (r - r0) * n);
      else dst.fill(0, (r - r0) * n, (r - r0 + 1) * n);
    }
    gemmAccumulate(x, 0, ldx, r0, r1, k, packed, n, dst, -r0 * n, n);
    if (act) activationRange(act, dst, dst, 0, (r1 - r0) * n);
    for (let r = r0; r < r1; r++) {
      const s = (r - r0) * n, o = r * ldo;
      if (residual) for (let j = 0, q = r * ldr; j < n; j++, q++) out[o + j] = dst[s + j] + residual[q];
      else for (let j = 0; j < n; j++) out[o + j] = dst[s + j];
    }
  }
}

let scratch = new Float32Array(0);
function scratchRows(length: number): Float32Array {
  if (scratch.length < length) scratch = new Float32Array(length);
  return scratch;
}
