/**
 * 2-D pooling over any layout (NCHW or NHWC: four strides per map), one thread per output element:
 * max (padding ignored, NaN kept as torch), average over fixed windows (count_include_pad or not, or a given
 * divisor), and adaptive average (window [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉), which also gives global pooling).
 */

import { GROUP_INDEX } from './grid.js';
import { NEG_MAX } from './math.js';
import { ParamsLayout } from './params.js';

export const POOL_THREADS = 256;

export type PoolMode = 'max' | 'avg' | 'adaptiveAvg';

export function poolParams(): ParamsLayout {
  return new ParamsLayout([
    ['count', 'u32'], ['gridX', 'u32'], ['c', 'u32'], ['h', 'u32'], ['w', 'u32'], ['oh', 'u32'], ['ow', 'u32'],
    ['kh', 'u32'], ['kw', 'u32'], ['sh', 'u32'], ['sw', 'u32'], ['dh', 'u32'], ['dw', 'u32'], ['ph', 'i32'], ['pw', 'i32'],
    ['countPad', 'u32'], ['divisor', 'f32'],
    ['xOff', 'u32'], ['xSn', 'u32'], ['xSc', 'u32'], ['xSh', 'u32'], ['xSw', 'u32'],
    ['oOff', 'u32'], ['oSn', 'u32'], ['oSc', 'u32'], ['oSh', 'u32'], ['oSw', 'u32'],
  ]);
}

function windowCode(mode: PoolMode, x: string): string {
  const load = `${x}[base + u32(iy) * p.xSh + u32(ix) * p.xSw]`;
  if (mode === 'adaptiveAvg') {
    return `let y0 = (oy * p.h) / p.oh;
  let y1 = ((oy + 1u) * p.h + p.oh - 1u) / p.oh;
  let x0 = (ox * p.w) / p.ow;
  let x1 = ((ox + 1u) * p.w + p.ow - 1u) / p.ow;
  var acc = 0.0;
  for (var iy = y0; iy < y1; iy = iy + 1u) {
    for (var ix = x0; ix < x1; ix = ix + 1u) { acc = acc + ${load}; }
  }
  let result = acc / f32((y1 - y0) * (x1 - x0));`;
  }
  const loop = (body: string) => `for (var ky = 0u; ky < p.kh; ky = ky + 1u) {
    let iy = i32(oy * p.sh + ky * p.dh) - p.ph;
    for (var kx = 0u; kx < p.kw; kx = kx + 1u) {
      let ix = i32(ox * p.sw + kx * p.dw) - p.pw;
      ${body}
    }
  }`;
  if (mode === 'max') {
    // A NaN in the window wins (as torch); the loaded NaN itself is returned (WGSL has no NaN constant).
    return `var acc = ${NEG_MAX};
  var nan = false;
  var nanValue = 0.0;
  ${loop(`if (iy >= 0 && ix >= 0 && iy < i32(p.h) && ix < i32(p.w)) {
        let v = ${load};
        if (v != v) { nan = true; nanValue = v; }
        acc = max(acc, v);
      }`)}
  let result = select(acc, nanValue, nan);`;
  }
  return `var acc = 0.0;
  var n = 0u;
  ${loop(`let inPad = iy >= -p.ph && ix >= -p.pw && iy < i32(p.h) + p.ph && ix < i32(p.w) + p.pw;
      if (iy >= 0 && ix >= 0 && iy < i32(p.h) && ix < i32(p.w)) { acc = acc + ${load}; n = n + 1u; }
      else if (inPad && p.countPad != 0u) { n = n + 1u; }`)}
  let result = select(acc / f32(n), acc / p.divisor, p.divisor > 0.0);`;
}

export function poolShader(mode: PoolMode, vars: Readonly<Record<string, string>>, declarations: string): string {
  const bindings = (declarations.match(/@binding/g) ?? []).length;
  return `${declarations}${poolParams().declaration(bindings)}
@compute @workgroup_size(${POOL_THREADS})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let idx = (${GROUP_INDEX}) * ${POOL_THREADS}u + lid.x;
  if (idx >= p.count) { return; }
  let ox = idx % p.ow;
  let oy = (idx / p.ow) % p.oh;
  let ch = (idx / (p.ow * p.oh)) % p.c;
  let img = idx / (p.ow * p.oh * p.c);
  let base = p.xOff + img * p.xSn + ch * p.xSc;
  ${windowCode(mode, vars.x)}
  ${vars.out}[p.oOff + img * p.oSn + ch * p.oSc + oy * p.oSh + ox * p.oSw] = result;
}
`;
}
