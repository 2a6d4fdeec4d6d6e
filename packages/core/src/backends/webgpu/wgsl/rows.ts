/**
 * Row kernels, one workgroup per row: layer norm (mean, then the variance of the centred values, as core's
 * kernel: no E[x²] − E[x]² cancellation) and softmax (max, Σ exp(x − max), one scale; an optional per-head
 * multiplier after normalisation for eager attention's head mask). Rows have their own strides, so a row
 * kernel can read and write strided views (layer norm over a token's channels inside a wider buffer).
 */

import { mathFor, NEG_MAX } from './math.js';
import { ParamsLayout } from './params.js';

export const ROW_THREADS = 64;

/** WGSL: tree reductions over the workgroup (sum and max). */
function reducers(): string {
  return `var<workgroup> red: array<f32, ${ROW_THREADS}>;
fn reduceSum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${ROW_THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn reduceMax(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${ROW_THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
`;
}

export interface LayerNormShaderConfig {
  weight: boolean;
  bias: boolean;
}

export function layerNormParams(c: LayerNormShaderConfig): ParamsLayout {
  return new ParamsLayout([
    ['rows', 'u32'], ['dim', 'u32'], ['gridX', 'u32'], ['xOff', 'u32'], ['xRs', 'u32'], ['oOff', 'u32'], ['oRs', 'u32'], ['eps', 'f32'],
    ...(c.weight ? [['wOff', 'u32'] as const] : []), ...(c.bias ? [['bOff', 'u32'] as const] : []),
  ]);
}

export function layerNormShader(c: LayerNormShaderConfig, vars: Readonly<Record<string, string>>, declarations: string): string {
  const bindings = (declarations.match(/@binding/g) ?? []).length;
  let y = '(v - mean) * rstd';
  if (c.weight) y += ` * ${vars.weight}[p.wOff + i]`;
  if (c.bias) y += ` + ${vars.bias}[p.bOff + i]`;
  return `${declarations}${layerNormParams(c).declaration(bindings)}
${reducers()}
@compute @workgroup_size(${ROW_THREADS})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wg.y * p.gridX + wg.x;
  if (row >= p.rows) { return; }
  let lid = lid3.x;
  let xo = p.xOff + row * p.xRs;
  let oo = p.oOff + row * p.oRs;
  var s = 0.0;
  for (var i = lid; i < p.dim; i = i + ${ROW_THREADS}u) { s = s + ${vars.x}[xo + i]; }
  let mean = reduceSum(s, lid) / f32(p.dim);
  var q = 0.0;
  for (var i = lid; i < p.dim; i = i + ${ROW_THREADS}u) { let d = ${vars.x}[xo + i] - mean; q = q + d * d; }
  let rstd = 1.0 / sqrt(reduceSum(q, lid) / f32(p.dim) + p.eps);
  for (var i = lid; i < p.dim; i = i + ${ROW_THREADS}u) {
    let v = ${vars.x}[xo + i];
    ${vars.out}[oo + i] = ${y};
  }
}
`;
}

export interface SoftmaxShaderConfig {
  /** Multiply row r by mask[(r / maskRows) % maskCount] after normalising (attention head mask). */
  rowMask: boolean;
}

export function softmaxParams(c: SoftmaxShaderConfig): ParamsLayout {
  return new ParamsLayout([
    ['rows', 'u32'], ['cols', 'u32'], ['gridX', 'u32'], ['xOff', 'u32'], ['xRs', 'u32'], ['oOff', 'u32'], ['oRs', 'u32'],
    ...(c.rowMask ? ([['mOff', 'u32'], ['maskRows', 'u32'], ['maskCount', 'u32']] as const) : []),
  ]);
}

export function softmaxShader(c: SoftmaxShaderConfig, vars: Readonly<Record<string, string>>, declarations: string): string {
  const bindings = (declarations.match(/@binding/g) ?? []).length;
  const scale = c.rowMask ? `(1.0 / total) * ${vars.mask}[p.mOff + (row / p.maskRows) % p.maskCount]` : '1.0 / total';
  return `${declarations}${softmaxParams(c).declaration(bindings)}
${mathFor(['exp'])}
${reducers()}
@compute @workgroup_size(${ROW_THREADS})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wg.y * p.gridX + wg.x;
  if (row >= p.rows) { return; }
  let lid = lid3.x;
  let xo = p.xOff + row * p.xRs;
  let oo = p.oOff + row * p.oRs;
  var m = ${NEG_MAX};
  for (var i = lid; i < p.cols; i = i + ${ROW_THREADS}u) { m = max(m, ${vars.x}[xo + i]); }
  let rowMax = reduceMax(m, lid);
  var s = 0.0;
  for (var i = lid; i < p.cols; i = i + ${ROW_THREADS}u) { s = s + expf(${vars.x}[xo + i] - rowMax); }
  let total = reduceSum(s, lid);
  let scale = ${scale};
  for (var i = lid; i < p.cols; i = i + ${ROW_THREADS}u) {
    ${vars.out}[oo + i] = expf(${vars.x}[xo + i] - rowMax) * scale;
  }
}
`;
}
