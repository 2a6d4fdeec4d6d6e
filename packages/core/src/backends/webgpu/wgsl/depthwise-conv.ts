/**
 * Depthwise conv2d over NHWC maps, one thread per output element: out(n, oy, ox, o) = Σ over the kernel
 * window of x(n, iy, ix, o / multiplier) · w(ky, kx, o), then bias → activation → residual. Padding before
 * the first row / column is given (symmetric torch padding, or TensorFlow's asymmetric 'same'); after is
 * implied by the output size.
 */

import type { ActivationKind } from '../../../ops/activation-name.js';
import { GROUP_INDEX } from './grid.js';
import { activationFunction, mathFor } from './math.js';
import { ParamsLayout, type ParamType } from './params.js';

export const DEPTHWISE_THREADS = 256;

export interface DepthwiseShaderConfig {
  bias: boolean;
  activation: ActivationKind | null;
  residual: boolean;
}

export function depthwiseParams(c: DepthwiseShaderConfig): ParamsLayout {
  const fields: Array<readonly [string, ParamType]> = [
    ['count', 'u32'], ['gridX', 'u32'], ['h', 'u32'], ['w', 'u32'], ['c', 'u32'], ['o', 'u32'], ['mult', 'u32'], ['oh', 'u32'], ['ow', 'u32'],
    ['kh', 'u32'], ['kw', 'u32'], ['sh', 'u32'], ['sw', 'u32'], ['dh', 'u32'], ['dw', 'u32'], ['ph', 'i32'], ['pw', 'i32'],
    ['xOff', 'u32'], ['wOff', 'u32'], ['oOff', 'u32'],
  ];
  if (c.bias) fields.push(['bOff', 'u32']);
  if (c.residual) fields.push(['rOff', 'u32']);
  return new ParamsLayout(fields);
}

export function depthwiseShader(c: DepthwiseShaderConfig, vars: Readonly<Record<string, string>>, declarations: string): string {
  const bindings = (declarations.match(/@binding/g) ?? []).length;
  let epilogue = '';
  if (c.bias) epilogue += `\n  acc = acc + ${vars.bias}[p.bOff + oc];`;
  if (c.activation) epilogue += '\n  acc = act(acc);';
  if (c.residual) epilogue += `\n  acc = acc + ${vars.residual}[p.rOff + idx];`;
  return `${declarations}${depthwiseParams(c).declaration(bindings)}
${mathFor(c.activation ? [c.activation] : [])}${activationFunction(c.activation)}
@compute @workgroup_size(${DEPTHWISE_THREADS})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let idx = (${GROUP_INDEX}) * ${DEPTHWISE_THREADS}u + lid.x;
  if (idx >= p.count) { return; }
  let oc = idx % p.o;
  let pix = idx / p.o;
  let ox = pix % p.ow;
  let oy = (pix / p.ow) % p.oh;
  let img = pix / (p.ow * p.oh);
  let ci = oc / p.mult;
  var acc = 0.0;
  for (var ky = 0u; ky < p.kh; ky = ky + 1u) {
    let iy = i32(oy * p.sh + ky * p.dh) - p.ph;
    if (iy < 0 || iy >= i32(p.h)) { continue; }
    for (var kx = 0u; kx < p.kw; kx = kx + 1u) {
      let ix = i32(ox * p.sw + kx * p.dw) - p.pw;
      if (ix < 0 || ix >= i32(p.w)) { continue; }
      let xv = ${vars.x}[p.xOff + ((img * p.h + u32(iy)) * p.w + u32(ix)) * p.c + ci];
      acc = fma(xv, ${vars.weight}[p.wOff + (ky * p.kw + kx) * p.o + oc], acc);
    }
  }${epilogue}
  ${vars.out}[p.oOff + idx] = acc;
}
`;
}
