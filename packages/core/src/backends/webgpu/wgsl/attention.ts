/**
 * Fused attention in flash order: a workgroup takes BQ queries of one (batch, head), one query per thread,
 * and walks the keys in blocks of BK staged in workgroup memory (K and V, BK × headDim each). Each thread
 * keeps its query, its output row and its running max and sum in registers, rescaling the output once per
 * block (online softmax). Memory is linear in the sequence: no queryLen × keyLen buffer exists. headDim is a
 * compile-time constant (register arrays), the block sizes are parameters of the builder.
 */

import { mathFor, NEG_MAX } from './math.js';
import { ParamsLayout } from './params.js';

export interface AttentionTile {
  /** Queries per workgroup (= threads). */
  bq: number;
  /** Keys per staged block. */
  bk: number;
}

export const DEFAULT_ATTENTION_TILE: AttentionTile = { bq: 64, bk: 32 };

export interface FusedAttentionShaderConfig {
  headDim: number;
  tile: AttentionTile;
}

export function fusedAttentionParams(): ParamsLayout {
  return new ParamsLayout([
    ['queryLen', 'u32'], ['keyLen', 'u32'], ['scale', 'f32'],
    ['qOff', 'u32'], ['qRs', 'u32'], ['kOff', 'u32'], ['kRs', 'u32'], ['vOff', 'u32'], ['vRs', 'u32'], ['oOff', 'u32'], ['oRs', 'u32'],
  ]);
}

export function fusedAttentionShader(c: FusedAttentionShaderConfig, vars: Readonly<Record<string, string>>, declarations: string): string {
  const bindings = (declarations.match(/@binding/g) ?? []).length;
  const { headDim: d, tile } = c;
  return `${declarations}${fusedAttentionParams().declaration(bindings)}
${mathFor(['exp'])}
const D = ${d}u;
const BQ = ${tile.bq}u;
const BK = ${tile.bk}u;
var<workgroup> Ks: array<f32, ${tile.bk * d}>; // [BK][D]
var<workgroup> Vs: array<f32, ${tile.bk * d}>; // [BK][D]

// grid: x = query block, y = head, z = batch
@compute @workgroup_size(${tile.bq})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let lid = lid3.x;
  let head = wg.y;
  let b = wg.z;
  let qi = wg.x * BQ + lid;
  let live = qi < p.queryLen;
  var q: array<f32, ${d}>;
  var o: array<f32, ${d}>;
  var s: array<f32, ${tile.bk}>;
  if (live) {
    let qo = p.qOff + (b * p.queryLen + qi) * p.qRs + head * D;
    for (var i = 0u; i < D; i = i + 1u) { q[i] = ${vars.q}[qo + i] * p.scale; }
  }
  var m = ${NEG_MAX};
  var l = 0.0;
  for (var k0 = 0u; k0 < p.keyLen; k0 = k0 + BK) {
    for (var e = lid; e < BK * D; e = e + BQ) {
      let j = k0 + e / D;
      var kv = 0.0;
      var vv = 0.0;
      if (j < p.keyLen) {
        let row = b * p.keyLen + j;
        kv = ${vars.k}[p.kOff + row * p.kRs + head * D + e % D];
        vv = ${vars.v}[p.vOff + row * p.vRs + head * D + e % D];
      }
      Ks[e] = kv;
      Vs[e] = vv;
    }
    workgroupBarrier();
    let n = min(BK, p.keyLen - k0);
    var blockMax = ${NEG_MAX};
    for (var j = 0u; j < n; j = j + 1u) {
      var dot = 0.0;
      for (var i = 0u; i < D; i = i + 1u) { dot = fma(q[i], Ks[j * D + i], dot); }
      s[j] = dot;
      blockMax = max(blockMax, dot);
    }
    let mNew = max(m, blockMax);
    let correction = expf(m - mNew);
    l = l * correction;
    for (var i = 0u; i < D; i = i + 1u) { o[i] = o[i] * correction; }
    for (var j = 0u; j < n; j = j + 1u) {
      let pj = expf(s[j] - mNew);
      l = l + pj;
      for (var i = 0u; i < D; i = i + 1u) { o[i] = fma(pj, Vs[j * D + i], o[i]); }
    }
    m = mNew;
    workgroupBarrier();
  }
  if (live) {
    let oo = p.oOff + (b * p.queryLen + qi) * p.oRs + head * D;
    let inv = 1.0 / l;
    for (var i = 0u; i < D; i = i + 1u) { ${vars.out}[oo + i] = o[i] * inv; }
  }
}
`;
}
