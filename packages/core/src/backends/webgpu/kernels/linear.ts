/**
 * Linear layers on the GPU: the torch weight [out, in] is stored transposed ([in, out], so a K slice of B is
 * contiguous along the output features) in a buffer of its own, uploaded once; a call is one GEMM dispatch with
 * bias, activation and residual fused.
 */

import { activationKind, type ActivationName } from '../../../ops/activation-name.js';
import { checkSize } from '../../../ops/check.js';
import type { GpuArray } from '../gpu-array.js';
import type { GpuMemory } from '../memory.js';
import type { CommandRecorder } from '../recorder.js';
import type { GemmTile } from '../wgsl/gemm.js';
import { recordGemm } from './gemm.js';
import { checkRows } from './rows.js';

export interface GpuLinear {
  readonly kind: 'linear';
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly weight: GpuArray; // [inFeatures, outFeatures]
  readonly bias: GpuArray | null; // [outFeatures]
}

export interface GpuLinearOptions {
  activation?: ActivationName | null;
  /** [rows, outFeatures] (row stride ldr), added after the activation; may be `out` itself. */
  residual?: GpuArray | null;
  ldx?: number;
  ldo?: number;
  ldr?: number;
}

/** [rows, cols] → [cols, rows] on the CPU (a one-time weight reorder, no arithmetic). */
export function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = values[r * cols + c];
  return t;
}

export function prepareGpuLinear(memory: GpuMemory, weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GpuLinear {
  checkSize('prepareLinear', 'outFeatures', outFeatures);
  checkSize('prepareLinear', 'inFeatures', inFeatures);
  if (weight.length !== outFeatures * inFeatures) {
    throw new RangeError(`prepareLinear: weight has ${weight.length} elements, expected [${outFeatures},${inFeatures}]`);
  }
  if (bias && bias.length !== outFeatures) throw new RangeError(`prepareLinear: bias has ${bias.length} elements, expected ${outFeatures}`);
  return {
    kind: 'linear', outFeatures, inFeatures,
    weight: memory.upload(transpose(weight, outFeatures, inFeatures), 'linear weight'),
    bias: bias ? memory.upload(bias, 'linear bias') : null,
  };
}

export function recordLinear(rec: CommandRecorder, x: GpuArray, rows: number, layer: GpuLinear, out: GpuArray, options: GpuLinearOptions = {}, tile?: GemmTile): void {
  checkSize('linear', 'rows', rows);
  const { inFeatures: k, outFeatures: n } = layer;
  layer.weight.check('linear');
  const ldx = options.ldx ?? k, ldo = options.ldo ?? n, ldr = options.ldr ?? n;
  checkRows('linear', 'x', x, rows, k, ldx);
  checkRows('linear', 'out', out, rows, n, ldo);
  if (options.residual) checkRows('linear', 'residual', options.residual, rows, n, ldr);
  if (x.buffer === out.buffer && rangesOverlap(x, out)) throw new RangeError('linear: out must not overlap x');
  recordGemm(rec, {
    label: 'linear', m: rows, n, k,
    a: { array: x, rowStride: ldx },
    b: { array: layer.weight, rowStride: n },
    c: { array: out, rowStride: ldo },
    bias: layer.bias ? { array: layer.bias } : null,
    activation: options.activation ? activationKind(options.activation) : null,
    residual: options.residual ? { array: options.residual, rowStride: ldr } : null,
    tile,
  });
}

function rangesOverlap(a: GpuArray, b: GpuArray): boolean {
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}
