/**
 * The GEMM shader, generated per configuration: C[z](m, n) = epilogue(alpha · Σ_k A[z](m, k) · B[z](k, n)).
 * A workgroup computes a BM×BN tile of C: each K step stages a BM×BK slice of A and a BK×BN slice of B in
 * workgroup memory, and each of its (BN/TN)×(BM/TM) threads accumulates a TM×TN register tile (rows and
 * columns interleaved by the thread grid, so neighbouring threads touch neighbouring addresses). How A is read
 * is a parameter too: strided (linear layers, attention's q·kᵀ and p·v), an implicit im2col over an NHWC map
 * (conv), or patches of an NCHW image (patch embedding), so no gathered copy is ever written. The epilogue
 * (bias → activation → residual) runs on the registers before the single store.
 *
 * Batches: z = zOuter·inner + zInner, and every operand has an offset per level (batch and head, image and
 * group), so strided views such as q, k and v inside one fused qkv buffer need no copies.
 */

import type { ActivationKind } from '../../../ops/activation-name.js';
import { activationFunction, mathFor } from './math.js';
import { ParamsLayout, type ParamType } from './params.js';

export interface GemmTile {
  /** Rows and columns of C per workgroup; K per staged slice. */
  bm: number;
  bn: number;
  bk: number;
  /** Rows and columns of C per thread (the register tile). */
  tm: number;
  tn: number;
}

/** 64×64 tiles of C, K in slices of 16, 4×4 per thread: 256 threads, 8 KiB of workgroup memory. */
export const DEFAULT_GEMM_TILE: GemmTile = { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 };

/** How A(m, k) is read. */
export type GemmALoader = 'strided' | 'convNhwc' | 'patchNchw';

export interface GemmShaderConfig {
  tile: GemmTile;
  aLoader: GemmALoader;
  alpha: boolean;
  bias: boolean;
  activation: ActivationKind | null;
  residual: boolean;
}

/** Storage variable names of the operands, as bound for a dispatch (see bindings.ts). */
export interface GemmVars {
  a: string;
  b: string;
  c: string;
  bias?: string;
  residual?: string;
}

const u = (names: string): Array<readonly [string, ParamType]> => names.split(' ').map((n) => [n, 'u32'] as const);

export function gemmParams(config: GemmShaderConfig): ParamsLayout {
  const fields: Array<readonly [string, ParamType]> = [
    ...u('m n k inner aOff aZo aZi bOff bRs bCs bZo bZi cOff cRs cZo cZi'),
  ];
  if (config.aLoader === 'strided') fields.push(...u('aRs aCs'));
  if (config.aLoader === 'convNhwc') fields.push(...u('h w c kw ow ohow cg sh sw dh dw'), ['ph', 'i32'], ['pw', 'i32']);
  if (config.aLoader === 'patchNchw') fields.push(...u('h w kh kw gw'));
  if (config.alpha) fields.push(['alpha', 'f32']);
  if (config.bias) fields.push(...u('biasOff biasZi'));
  if (config.residual) fields.push(...u('rOff rRs rZo rZi'));
  return new ParamsLayout(fields);
}

export function checkGemmTile(t: GemmTile, maxThreads: number, maxWorkgroupBytes: number): void {
  const ok = [t.bm, t.bn, t.bk, t.tm, t.tn].every((v) => Number.isInteger(v) && v > 0) && t.bm % t.tm === 0 && t.bn % t.tn === 0;
  if (!ok) throw new RangeError(`GEMM tile ${JSON.stringify(t)}: sizes must be positive integers with tm | bm and tn | bn`);
  const threads = (t.bm / t.tm) * (t.bn / t.tn);
  if (threads > maxThreads) throw new RangeError(`GEMM tile ${JSON.stringify(t)} needs ${threads} threads per workgroup; the device allows ${maxThreads}`);
  const bytes = 4 * t.bk * (t.bm + t.bn);
  if (bytes > maxWorkgroupBytes) throw new RangeError(`GEMM tile ${JSON.stringify(t)} needs ${bytes} bytes of workgroup memory; the device allows ${maxWorkgroupBytes}`);
}

function loadA(config: GemmShaderConfig, a: string): string {
  const guard = 'if (m >= p.m || k >= p.k) { return 0.0; }';
  switch (config.aLoader) {
    case 'strided':
      return `fn loadA(zo: u32, zi: u32, m: u32, k: u32) -> f32 {
  ${guard}
  return ${a}[p.aOff + zo * p.aZo + zi * p.aZi + m * p.aRs + k * p.aCs];
}`;
    case 'convNhwc':
      // m = (image, oy, ox), k = (ky, kx, channel of the group); the group's channels start at zi·cg.
      return `fn loadA(zo: u32, zi: u32, m: u32, k: u32) -> f32 {
  ${guard}
  let img = m / p.ohow;
  let pix = m % p.ohow;
  let oy = pix / p.ow;
  let ox = pix % p.ow;
  let kwc = p.kw * p.cg;
  let ky = k / kwc;
  let kx = (k % kwc) / p.cg;
  let ci = k % p.cg;
  let iy = i32(oy * p.sh + ky * p.dh) - p.ph;
  let ix = i32(ox * p.sw + kx * p.dw) - p.pw;
  if (iy < 0 || ix < 0 || iy >= i32(p.h) || ix >= i32(p.w)) { return 0.0; }
  return ${a}[p.aOff + zo * p.aZo + ((img * p.h + u32(iy)) * p.w + u32(ix)) * p.c + zi * p.aZi + ci];
}`;
    case 'patchNchw':
      // m = patch (gy, gx) of image zo, k = (channel, py, px): torch's conv weight order.
      return `fn loadA(zo: u32, zi: u32, m: u32, k: u32) -> f32 {
  ${guard}
  let gy = m / p.gw;
  let gx = m % p.gw;
  let pp = p.kh * p.kw;
  let ch = k / pp;
  let py = (k % pp) / p.kw;
  let px = k % p.kw;
  return ${a}[p.aOff + zo * p.aZo + zi * p.aZi + (ch * p.h + gy * p.kh + py) * p.w + gx * p.kw + px];
}`;
  }
}

export function gemmShader(config: GemmShaderConfig, vars: GemmVars, declarations: string): string {
  const { bm, bn, bk, tm, tn } = config.tile;
  const tx = bn / tn;
  const ty = bm / tm;
  const layout = gemmParams(config);
  const bindingCount = (declarations.match(/@binding/g) ?? []).length;
  let epilogue = config.alpha ? 'var v = acc[i * TN + j] * p.alpha;' : 'var v = acc[i * TN + j];';
  if (config.bias) epilogue += `\n        v = v + ${vars.bias}[p.biasOff + zi * p.biasZi + col];`;
  if (config.activation) epilogue += '\n        v = act(v);';
  if (config.residual) epilogue += `\n        v = v + ${vars.residual}[p.rOff + zo * p.rZo + zi * p.rZi + row * p.rRs + col];`;
  return `${declarations}${layout.declaration(bindingCount)}
${mathFor(config.activation ? [config.activation] : [])}${activationFunction(config.activation)}
const BM = ${bm}u;
const BN = ${bn}u;
const BK = ${bk}u;
const TM = ${tm}u;
const TN = ${tn}u;
const TX = ${tx}u;
const TY = ${ty}u;
const THREADS = ${tx * ty}u;
var<workgroup> As: array<f32, ${bk * bm}>; // [BK][BM]
var<workgroup> Bs: array<f32, ${bk * bn}>; // [BK][BN]

${loadA(config, vars.a)}

fn loadB(zo: u32, zi: u32, k: u32, n: u32) -> f32 {
  if (k >= p.k || n >= p.n) { return 0.0; }
  return ${vars.b}[p.bOff + zo * p.bZo + zi * p.bZi + k * p.bRs + n * p.bCs];
}

@compute @workgroup_size(${tx}, ${ty}, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let zo = wg.z / p.inner;
  let zi = wg.z % p.inner;
  let row0 = wg.y * BM;
  let col0 = wg.x * BN;
  let tid = lid.y * TX + lid.x;
  var acc: array<f32, ${tm * tn}>;
  var a: array<f32, ${tm}>;
  var b: array<f32, ${tn}>;
  for (var k0 = 0u; k0 < p.k; k0 = k0 + BK) {
    for (var e = tid; e < BM * BK; e = e + THREADS) {
      As[(e % BK) * BM + e / BK] = loadA(zo, zi, row0 + e / BK, k0 + e % BK);
    }
    for (var e = tid; e < BN * BK; e = e + THREADS) {
      Bs[(e / BN) * BN + e % BN] = loadB(zo, zi, k0 + e / BN, col0 + e % BN);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk = kk + 1u) {
      for (var i = 0u; i < TM; i = i + 1u) { a[i] = As[kk * BM + lid.y + i * TY]; }
      for (var j = 0u; j < TN; j = j + 1u) { b[j] = Bs[kk * BN + lid.x + j * TX]; }
      for (var i = 0u; i < TM; i = i + 1u) {
        for (var j = 0u; j < TN; j = j + 1u) { acc[i * TN + j] = fma(a[i], b[j], acc[i * TN + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < TM; i = i + 1u) {
    let row = row0 + lid.y + i * TY;
    for (var j = 0u; j < TN; j = j + 1u) {
      let col = col0 + lid.x + j * TX;
      if (row < p.m && col < p.n) {
        ${epilogue}
        ${vars.c}[p.cOff + zo * p.cZo + zi * p.cZi + row * p.cRs + col] = v;
      }
    }
  }
}
`;
}
