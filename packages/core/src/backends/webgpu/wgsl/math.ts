/**
 * Float32 math for the shaders, written out instead of WGSL's exp / log / tanh, whose precision the spec
 * leaves loose (exp: 3 + 2·|x| ulp; log: 2^-21 absolute near 1; some devices are worse): the golden
 * tolerance needs a few ulp. Same methods as core's TypeScript kernels (kernels/exp.ts, kernels/erf.ts,
 * the same erf coefficients), in f32 arithmetic. WGSL rejects infinite constants, so "minus infinity" for
 * running maxima is -FLT_MAX, and infinities arise only at run time (overflowing products).
 */

import type { ActivationKind } from '../../../ops/activation-name.js';

/** The most negative finite f32: the starting value of a running max. */
export const NEG_MAX = '-3.4028234663852886e38';

/** expf (Cody-Waite reduction, degree-7 polynomial, 2^k as two exact powers so subnormals stay exact). */
const EXP = `
fn pow2i(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }
fn expf(x: f32) -> f32 {
  if (!(x >= -104.0)) { return select(0.0, x, x != x); }
  if (x > 88.72284) { return x * 3.4028234663852886e38; }
  let k = floor(x * 1.4426950408889634 + 0.5);
  let r = (x - k * 0.693145751953125) - k * 1.428606765330187e-6;
  let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.16666667 + r * (0.041666668 + r * (0.008333334 + r * (0.0013888889 + r * 0.0001984127))))));
  let ki = i32(k);
  let k1 = ki / 2;
  return p * pow2i(k1) * pow2i(ki - k1);
}
`;

/** expm1 without cancellation near 0 (Taylor to degree 9 for |y| < 0.35). */
const EXPM1 = `
fn expm1f(y: f32) -> f32 {
  if (abs(y) < 0.35) {
    return y * (1.0 + y * (0.5 + y * (0.16666667 + y * (0.041666668 + y * (0.008333334 + y * (0.0013888889 + y * (0.0001984127 + y * (2.4801587e-5 + y * 2.7557319e-6))))))));
  }
  return expf(y) - 1.0;
}
`;

/** tanh = -expm1(-2a) / (2 + expm1(-2a)), a = |x|: no cancellation anywhere. */
const TANH = `
fn tanhf(x: f32) -> f32 {
  let a = abs(x);
  if (a > 9.0) { return sign(x); }
  let e = expm1f(-2.0 * a);
  return sign(x) * (-e / (2.0 + e));
}
`;

/** log for positive normal x: x = 2^k·m, m in [√½, √2), log m = 2·atanh(s) by its series. */
const LOG = `
fn logf(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  var k = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.4142135) { m = m * 0.5; k = k + 1; }
  let s = (m - 1.0) / (m + 1.0);
  let s2 = s * s;
  let series = 2.0 * s * (1.0 + s2 * (0.33333334 + s2 * (0.2 + s2 * (0.14285715 + s2 * 0.11111111))));
  return f32(k) * 0.6931471805599453 + series;
}
fn log1pf(e: f32) -> f32 {
  // log(1 + e) = 2·atanh(e / (2 + e)): no rounding of 1 + e near 0 (a compiler may not keep (1 + e) − 1 as written).
  if (e > 0.25 || e < -0.2) { return logf(1.0 + e); }
  let s = e / (2.0 + e);
  let s2 = s * s;
  return 2.0 * s * (1.0 + s2 * (0.33333334 + s2 * (0.2 + s2 * (0.14285715 + s2 * 0.11111111))));
}
`;

/** erf and erfc to float32 accuracy (core's kernels/erf.ts coefficients); exp(-a²) with a² split exactly. */
const ERF = `
fn erfSmall(x: f32) -> f32 {
  let s = x * x;
  return x * (1.128379165885152 + s * (-0.3761262691219282 + s * (0.11283597519546422 + s * (-0.02685433027783961
    + s * (0.005189313678604266 + s * (-0.0008018863010545647 + s * 7.882503719944786e-5))))));
}
fn erfcTail(a: f32) -> f32 {
  if (a >= 10.0) { return 0.0; }
  let u = 1.0 / (1.0 + 0.5 * a);
  let q = 1.2429456058622293e-6 + u * (0.28205527570267996 + u * (0.28264462449590855 + u * (0.24243920314617945
    + u * (0.19848895169603417 + u * (0.01089482844568701 + u * (0.14792639039891098 + u * (-0.23687558404098785
    + u * (0.005242399040838175 + u * (0.11055928453401564 + u * -0.043476436058171)))))))));
  let hi = bitcast<f32>(bitcast<u32>(a) & 0xfffff000u);
  let lo = a - hi;
  return q * expf(-hi * hi) * expf(-(lo * (a + hi)));
}
`;

/** The helper functions a kernel's activation needs (in dependency order). */
export function mathFor(kinds: ReadonlyArray<ActivationKind | 'exp' | 'tanh' | 'log1p' | 'erf'>): string {
  const need = new Set<string>();
  for (const kind of kinds) {
    switch (kind) {
      case 'geluErf':
      case 'gelu10':
      case 'erf':
        need.add('exp').add('erf');
        break;
      case 'geluTanh':
      case 'quickGelu':
      case 'silu':
      case 'sigmoid':
      case 'exp':
        need.add('exp');
        break;
      case 'tanh':
        need.add('exp').add('expm1').add('tanh');
        break;
      case 'mish':
        need.add('exp').add('expm1').add('tanh').add('log');
        break;
      case 'log1p':
        need.add('log');
        break;
      default:
        break;
    }
  }
  const parts: string[] = [];
  if (need.has('exp')) parts.push(EXP);
  if (need.has('expm1')) parts.push(EXPM1);
  if (need.has('tanh')) parts.push(TANH);
  if (need.has('log')) parts.push(LOG);
  if (need.has('erf')) parts.push(ERF);
  return parts.join('');
}

/** `fn act(v: f32) -> f32` for an activation kind (with `mathFor([kind])` in the module). */
export function activationFunction(kind: ActivationKind | null, name = 'act'): string {
  return `fn ${name}(v: f32) -> f32 {\n  ${activationBody(kind ?? 'identity')}\n}\n`;
}

function activationBody(kind: ActivationKind): string {
  switch (kind) {
    case 'identity':
      return 'return v;';
    case 'geluErf':
      return GELU_ERF;
    case 'gelu10':
      return GELU_ERF.replace(/return (.*);/g, 'return clamp($1, -10.0, 10.0);');
    case 'geluTanh':
      // 0.5·x·(1 + tanh(y)) = x·sigmoid(2y), y = √(2/π)·(x + 0.044715·x³): one exp, no cancellation.
      return 'return v / (1.0 + expf(-1.5957691216057308 * (v + 0.044715 * v * v * v)));';
    case 'quickGelu':
      return 'return v / (1.0 + expf(-1.702 * v));';
    case 'silu':
      return 'return v / (1.0 + expf(-v));';
    case 'sigmoid':
      return 'return 1.0 / (1.0 + expf(-v));';
    case 'relu':
      return 'return select(v, 0.0, v < 0.0);';
    case 'relu2':
      return 'return select(v * v, 0.0, v < 0.0);';
    case 'relu6':
      return 'return select(select(v, 6.0, v > 6.0), 0.0, v < 0.0);';
    case 'leakyRelu':
      return 'return select(v, 0.01 * v, v < 0.0);';
    case 'tanh':
      return 'return tanhf(v);';
    case 'hardSigmoid':
      return 'return clamp(v + 3.0, 0.0, 6.0) / 6.0;';
    case 'hardSwish':
      return 'return v * clamp(v + 3.0, 0.0, 6.0) / 6.0;';
    case 'mish':
      return 'return v * tanhf(select(log1pf(expf(v)), v, v > 20.0));';
  }
}

/** Exact GELU: erfc on the tails so 0.5·x·(1 + erf) loses nothing to cancellation (as kernels/activations.ts). */
const GELU_ERF = `let z = v * 0.7071067811865476;
  if (z > -1.0 && z < 1.0) { return 0.5 * v * (1.0 + erfSmall(z)); }
  if (z >= 1.0) { return v * (1.0 - 0.5 * erfcTail(z)); }
  return 0.5 * v * erfcTail(-z);`;
