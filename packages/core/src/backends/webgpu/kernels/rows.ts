/** Layer norm and softmax over rows with strides (wgsl/rows.ts), one workgroup per row. */

import { checkSize } from '../../../ops/check.js';
import type { GpuArray } from '../gpu-array.js';
import type { CommandRecorder } from '../recorder.js';
import { bindStorage, type StorageArg } from '../wgsl/bindings.js';
import { grid } from '../wgsl/grid.js';
import { layerNormParams, layerNormShader, softmaxParams, softmaxShader } from '../wgsl/rows.js';

export interface RowStrides {
  /** Row strides in elements (default: the row length). */
  ldx?: number;
  ldo?: number;
}

export function checkRows(kernel: string, what: string, a: GpuArray, rows: number, cols: number, stride: number): void {
  if (stride < cols) throw new RangeError(`${kernel}: ${what} row stride ${stride} is smaller than the row (${cols})`);
  const need = rows === 0 ? 0 : (rows - 1) * stride + cols;
  if (a.length < need) throw new RangeError(`${kernel}: ${what} has ${a.length} elements, needs ${need}`);
}

export function recordLayerNorm(
  rec: CommandRecorder, x: GpuArray, rows: number, dim: number, weight: GpuArray | null, bias: GpuArray | null, eps: number, out: GpuArray,
  strides: RowStrides = {},
): void {
  checkSize('layerNorm', 'rows', rows);
  checkSize('layerNorm', 'dim', dim);
  const ldx = strides.ldx ?? dim, ldo = strides.ldo ?? dim;
  checkRows('layerNorm', 'x', x, rows, dim, ldx);
  checkRows('layerNorm', 'out', out, rows, dim, ldo);
  if (weight && weight.length < dim) throw new RangeError(`layerNorm: weight has ${weight.length} elements, needs ${dim}`);
  if (bias && bias.length < dim) throw new RangeError(`layerNorm: bias has ${bias.length} elements, needs ${dim}`);
  if (rows === 0 || dim === 0) return;
  const args: StorageArg[] = [{ name: 'x', array: x }, { name: 'out', array: out, write: true }];
  if (weight) args.push({ name: 'weight', array: weight });
  if (bias) args.push({ name: 'bias', array: bias });
  const storage = bindStorage(args);
  const config = { weight: !!weight, bias: !!bias };
  const g = grid(rows, 1);
  rec.dispatch('layerNorm', layerNormShader(config, storage.vars, storage.declarations), storage, layerNormParams(config), {
    rows, dim, gridX: g[0], xOff: x.offset, xRs: ldx, oOff: out.offset, oRs: ldo, eps, wOff: weight?.offset ?? 0, bOff: bias?.offset ?? 0,
  }, g);
}

export interface SoftmaxOptions extends RowStrides {
  /** Multiplies row r by mask[(r / maskRows) % mask.length] after normalising. */
  rowMask?: { mask: GpuArray; maskRows: number } | null;
}

export function recordSoftmax(rec: CommandRecorder, x: GpuArray, rows: number, cols: number, out: GpuArray, options: SoftmaxOptions = {}): void {
  checkSize('softmax', 'rows', rows);
  checkSize('softmax', 'cols', cols);
  const ldx = options.ldx ?? cols, ldo = options.ldo ?? cols;
  checkRows('softmax', 'x', x, rows, cols, ldx);
  checkRows('softmax', 'out', out, rows, cols, ldo);
  if (rows === 0 || cols === 0) return;
  const mask = options.rowMask ?? null;
  const args: StorageArg[] = [{ name: 'x', array: x }, { name: 'out', array: out, write: true }];
  if (mask) args.push({ name: 'mask', array: mask.mask });
  const storage = bindStorage(args);
  const config = { rowMask: !!mask };
  const g = grid(rows, 1);
  rec.dispatch('softmax', softmaxShader(config, storage.vars, storage.declarations), storage, softmaxParams(config), {
    rows, cols, gridX: g[0], xOff: x.offset, xRs: ldx, oOff: out.offset, oRs: ldo,
    mOff: mask?.mask.offset ?? 0, maskRows: mask?.maskRows ?? 1, maskCount: mask?.mask.length ?? 1,
  }, g);
}
