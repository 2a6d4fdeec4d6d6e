/** 2-D pooling over NCHW or NHWC maps (wgsl/pool.ts). Output sizes follow torch (core's maxPool2dParams). */

import { checkShape4, pair } from '../../../ops/check.js';
import { maxPool2dParams, type MaxPool2dOptions } from './pool-geometry.js';
import type { GpuArray } from '../gpu-array.js';
import type { CommandRecorder } from '../recorder.js';
import { bindStorage } from '../wgsl/bindings.js';
import { grid } from '../wgsl/grid.js';
import { POOL_THREADS, poolParams, poolShader, type PoolMode } from '../wgsl/pool.js';

export type MapLayout = 'nchw' | 'nhwc';

/** Strides (n, c, h, w) of a dense map in a layout. */
function strides(layout: MapLayout, c: number, h: number, w: number): [number, number, number, number] {
  return layout === 'nchw' ? [c * h * w, h * w, w, 1] : [h * w * c, 1, w * c, c];
}

export interface AvgPool2dOptions extends MaxPool2dOptions {
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

interface Window {
  oh: number; ow: number; kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; ph: number; pw: number;
  countPad: number; divisor: number;
}

/** `shape` is the logical [n, c, h, w] whatever the layout; out is dense in the same layout. */
function recordPool(rec: CommandRecorder, mode: PoolMode, x: GpuArray, layout: MapLayout, shape: readonly number[], win: Window, out: GpuArray): [number, number, number, number] {
  const [n, c, h, w] = checkShape4(`${mode}Pool2d`, 'input shape', shape);
  const count = n * c * win.oh * win.ow;
  if (x.length < n * c * h * w) throw new RangeError(`${mode}Pool2d: input has ${x.length} elements, needs ${n * c * h * w}`);
  if (out.length < count) throw new RangeError(`${mode}Pool2d: out has ${out.length} elements, needs ${count}`);
  const xs = strides(layout, c, h, w), os = strides(layout, c, win.oh, win.ow);
  const storage = bindStorage([{ name: 'x', array: x }, { name: 'out', array: out, write: true }]);
  const g = grid(count, POOL_THREADS);
  rec.dispatch(`${mode}Pool2d`, poolShader(mode, storage.vars, storage.declarations), storage, poolParams(), {
    count, gridX: g[0], c, h, w, ...win,
    xOff: x.offset, xSn: xs[0], xSc: xs[1], xSh: xs[2], xSw: xs[3], oOff: out.offset, oSn: os[0], oSc: os[1], oSh: os[2], oSw: os[3],
  }, g);
  return [n, c, win.oh, win.ow];
}

export function recordMaxPool2d(rec: CommandRecorder, x: GpuArray, layout: MapLayout, shape: readonly number[], options: MaxPool2dOptions, out: GpuArray): [number, number, number, number] {
  const p = maxPool2dParams(shape, options);
  return recordPool(rec, 'max', x, layout, shape, { ...p, countPad: 0, divisor: 0 }, out);
}

export function recordAvgPool2d(rec: CommandRecorder, x: GpuArray, layout: MapLayout, shape: readonly number[], options: AvgPool2dOptions, out: GpuArray): [number, number, number, number] {
  const p = maxPool2dParams(shape, { ...options, dilation: 1 });
  const divisor = options.divisorOverride ?? 0;
  return recordPool(rec, 'avg', x, layout, shape, { ...p, countPad: options.countIncludePad === false ? 0 : 1, divisor }, out);
}

export function recordAdaptiveAvgPool2d(rec: CommandRecorder, x: GpuArray, layout: MapLayout, shape: readonly number[], outSize: number | readonly [number, number], out: GpuArray): [number, number, number, number] {
  const [oh, ow] = pair('adaptiveAvgPool2d', 'output size', outSize);
  if (!(oh > 0 && ow > 0)) throw new RangeError(`adaptiveAvgPool2d: output size ${oh}x${ow} must be positive`);
  return recordPool(rec, 'adaptiveAvg', x, layout, shape, { oh, ow, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, ph: 0, pw: 0, countPad: 0, divisor: 0 }, out);
}
