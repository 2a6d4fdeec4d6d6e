/**
 * Op `linear` on the 'js' backend: the packed 4×4-register-tile GEMM of gemm.ts with the epilogue (bias,
 * activation, residual) run over each block of rows while it is still in cache.
 */

import { activationKind } from '../../../ops/activation-name.js';
import type { GemmWeight, LinearArgs } from '../../../ops/linear.js';
import { allocFloat32 } from '../../../storage.js';
import { activationRange } from './activations.js';
import { gemmAccumulate, packedLength, packTransposed } from './gemm.js';

/** The 'js' backend's GEMM weight layout: Wᵀ in panels of 4 output features, k-major (gemm.ts). */
export const JS_GEMM_LAYOUT = 'js-panels4';

/** Floats of a packed [outFeatures, inFeatures] weight. */
export function jsPackedLength(outFeatures: number, inFeatures: number): number {
  return packedLength(inFeatures, outFeatures);
}

/** Packs a torch-layout weight [outFeatures, inFeatures] into `packed` (jsPackedLength floats). */
export function packJsGemm(weight: Float32Array, outFeatures: number, inFeatures: number, packed: Float32Array): void {
  packTransposed(weight, outFeatures, inFeatures, packed);
}

/** Rows handled per step: their outputs are still in cache when the epilogue runs over them. */
const ROW_BLOCK = 16;

export function linearKernel(a: LinearArgs<Float32Array>): void {
  const w = a.weight;
  if (w.layout !== JS_GEMM_LAYOUT) throw new TypeError(`linear: the weight is packed for "${w.layout}", not the js backend`);
  const { inFeatures: k, outFeatures: n } = w;
  const ldx = a.ldx ?? k, ldo = a.ldo ?? n, ldr = a.ldr ?? n;
  const kind = a.activation ? activationKind(a.activation) : null;
  const act = kind !== null && kind !== 'identity' ? kind : null;
  const residual = a.residual ?? null;
  if (ldx === k && ldo === n && !residual) linearDense(a.x, a.rows, w, a.out, act);
  else linearStrided(a.x, ldx, a.rows, w, a.out, ldo, act, residual, ldr);
}

/** Dense rows, no residual: the product straight into `out`. */
function linearDense(x: Float32Array, rows: number, w: GemmWeight<Float32Array>, out: Float32Array, act: ReturnType<typeof activationKind> | null): void {
  const { inFeatures: k, outFeatures: n, bias, packed } = w;
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    for (let r = r0; r < r1; r++) {
      if (bias) out.set(bias.subarray(0, n), r * n);
      else out.fill(0, r * n, (r + 1) * n);
    }
    gemmAccumulate(x, 0, k, r0, r1, k, packed, n, out, 0, n);
    if (act) activationRange(act, out, out, r0 * n, r1 * n);
  }
}

/**
 * Strided rows, or a residual (which may be `out` itself): each block of rows goes through a dense scratch
 * block, then the activation, then out = block + residual. Same sums as the dense path.
 */
function linearStrided(
  x: Float32Array, ldx: number, rows: number, w: GemmWeight<Float32Array>, out: Float32Array, ldo: number,
  act: ReturnType<typeof activationKind> | null, residual: Float32Array | null, ldr: number,
): void {
  const { inFeatures: k, outFeatures: n, bias, packed } = w;
  const dst = scratchRows(ROW_BLOCK * n); // [ROW_BLOCK, n], dense
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    for (let r = r0; r < r1; r++) {
      if (bias) dst.set(bias.subarray(0, n), (r - r0) * n);
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

let scratch: Float32Array = new Float32Array(0);
function scratchRows(length: number): Float32Array {
  if (scratch.length < length) scratch = allocFloat32(length);
  return scratch;
}
