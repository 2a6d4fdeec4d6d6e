/**
 * Records one GEMM dispatch (see wgsl/gemm.ts): checks that every operand's addressed range lies inside its
 * view, binds the views, and fills the parameters. Linear layers, convolutions, patch embeddings and both
 * products of eager attention all come through here.
 */

import type { ActivationKind } from '../../../ops/activation-name.js';
import type { CommandRecorder } from '../recorder.js';
import type { GpuArray } from '../gpu-array.js';
import { bindStorage, type StorageArg } from '../wgsl/bindings.js';
import { DEFAULT_GEMM_TILE, gemmParams, gemmShader, type GemmShaderConfig, type GemmTile } from '../wgsl/gemm.js';

/** A strided operand: X[z](r, c) = array[zOuter·outer + zInner·inner + r·rowStride + c·colStride]. */
export interface StridedOperand {
  array: GpuArray;
  rowStride: number;
  colStride?: number; // default 1
  outer?: number; // default 0
  inner?: number; // default 0
}

/** A as the implicit im2col of an NHWC map [n, h, w, c]: rows (image, oy, ox), columns (ky, kx, channel in group). */
export interface ConvOperand {
  kind: 'convNhwc';
  array: GpuArray;
  h: number; w: number; c: number;
  kw: number; oh: number; ow: number;
  sh: number; sw: number; dh: number; dw: number;
  /** Padding before the first row / column (after is implied by the output size). */
  padTop: number; padLeft: number;
  /** Channels per group (zInner is the group). */
  cg: number;
}

/** A as the patches of NCHW images [n, c, h, w]: rows (gy, gx) of image zOuter, columns (channel, py, px). */
export interface PatchOperand {
  kind: 'patchNchw';
  array: GpuArray;
  c: number; h: number; w: number;
  kh: number; kw: number;
  gw: number;
}

export interface GemmCall {
  label: string;
  m: number; n: number; k: number;
  /** Batch levels: z = zOuter·inner + zInner. */
  outer?: number;
  inner?: number;
  a: StridedOperand | ConvOperand | PatchOperand;
  b: StridedOperand;
  c: StridedOperand;
  alpha?: number;
  /** bias[zInner·inner + col]. */
  bias?: { array: GpuArray; inner?: number } | null;
  activation?: ActivationKind | null;
  residual?: StridedOperand | null;
  tile?: GemmTile;
}

export function recordGemm(rec: CommandRecorder, call: GemmCall): void {
  const { m, n, k, label } = call;
  const outer = call.outer ?? 1;
  const inner = call.inner ?? 1;
  if (m === 0 || n === 0 || outer === 0 || inner === 0) return;
  const tile = call.tile ?? DEFAULT_GEMM_TILE;
  const activation = call.activation && call.activation !== 'identity' ? call.activation : null;
  const a = call.a;
  const aLoader = 'kind' in a ? a.kind : 'strided';
  const config: GemmShaderConfig = {
    tile, aLoader, alpha: call.alpha !== undefined && call.alpha !== 1, bias: !!call.bias, activation, residual: !!call.residual,
  };
  const args: StorageArg[] = [{ name: 'a', array: a.array }, { name: 'b', array: call.b.array }, { name: 'c', array: call.c.array, write: true }];
  if (call.bias) args.push({ name: 'bias', array: call.bias.array });
  if (call.residual) args.push({ name: 'residual', array: call.residual.array });
  const storage = bindStorage(args);

  const params: Record<string, number> = { m, n, k, inner };
  const span = (what: string, op: StridedOperand, rows: number, cols: number): void => {
    const last = (outer - 1) * (op.outer ?? 0) + (inner - 1) * (op.inner ?? 0) + (rows - 1) * op.rowStride + (cols - 1) * (op.colStride ?? 1);
    if (last >= op.array.length) throw new RangeError(`${label}: ${what} addresses element ${last} of a view of ${op.array.length}`);
  };
  if (aLoader === 'strided') {
    const sa = a as StridedOperand;
    if (k > 0) span('A', sa, m, k);
    Object.assign(params, { aOff: sa.array.offset, aZo: sa.outer ?? 0, aZi: sa.inner ?? 0, aRs: sa.rowStride, aCs: sa.colStride ?? 1 });
  } else if (aLoader === 'convNhwc') {
    const ca = a as ConvOperand;
    const images = m / (ca.oh * ca.ow);
    if (!Number.isInteger(images)) throw new RangeError(`${label}: ${m} rows are not whole ${ca.oh}x${ca.ow} output maps`);
    const need = images * ca.h * ca.w * ca.c;
    if (need > ca.array.length) throw new RangeError(`${label}: the input map needs ${need} elements, the view has ${ca.array.length}`);
    if ((inner - 1) * ca.cg + ca.cg > ca.c) throw new RangeError(`${label}: ${inner} groups of ${ca.cg} channels exceed ${ca.c}`);
    Object.assign(params, {
      aOff: ca.array.offset, aZo: 0, aZi: ca.cg, h: ca.h, w: ca.w, c: ca.c, kw: ca.kw, ow: ca.ow, ohow: ca.oh * ca.ow, cg: ca.cg,
      sh: ca.sh, sw: ca.sw, dh: ca.dh, dw: ca.dw, ph: ca.padTop, pw: ca.padLeft,
    });
  } else {
    const pa = a as PatchOperand;
    const need = outer * pa.c * pa.h * pa.w;
    if (need > pa.array.length) throw new RangeError(`${label}: the images need ${need} elements, the view has ${pa.array.length}`);
    Object.assign(params, { aOff: pa.array.offset, aZo: pa.c * pa.h * pa.w, aZi: 0, h: pa.h, w: pa.w, kh: pa.kh, kw: pa.kw, gw: pa.gw });
  }
  if (k > 0) span('B', call.b, k, n);
  span('C', call.c, m, n);
  Object.assign(params, {
    bOff: call.b.array.offset, bRs: call.b.rowStride, bCs: call.b.colStride ?? 1, bZo: call.b.outer ?? 0, bZi: call.b.inner ?? 0,
    cOff: call.c.array.offset, cRs: call.c.rowStride, cZo: call.c.outer ?? 0, cZi: call.c.inner ?? 0,
  });
  if ((call.c.colStride ?? 1) !== 1) throw new RangeError(`${label}: C must have unit column stride`);
  if (config.alpha) params.alpha = call.alpha as number;
  if (call.bias) {
    const bi = call.bias.inner ?? 0;
    if ((inner - 1) * bi + n > call.bias.array.length) throw new RangeError(`${label}: bias view of ${call.bias.array.length} is too short`);
    Object.assign(params, { biasOff: call.bias.array.offset, biasZi: bi });
  }
  if (call.residual) {
    const r = call.residual;
    if ((r.colStride ?? 1) !== 1) throw new RangeError(`${label}: the residual must have unit column stride`);
    span('residual', r, m, n);
    Object.assign(params, { rOff: r.array.offset, rRs: r.rowStride, rZo: r.outer ?? 0, rZi: r.inner ?? 0 });
  }
  const code = gemmShader(config, storage.vars as unknown as Parameters<typeof gemmShader>[1], storage.declarations);
  rec.dispatch(label, code, storage, gemmParams(config), params, [Math.ceil(n / tile.bn), Math.ceil(m / tile.bm), outer * inner]);
}
