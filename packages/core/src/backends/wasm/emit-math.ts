/**
 * Vectorised float32 math emitted as WebAssembly SIMD (f32x4): exp, erf and the activations built on
 * them. Each `emit*` reads its argument from a v128 local and leaves the result on the stack.
 *
 * Accuracy (measured against float64 in test/wasm/math.test.ts):
 * - exp: Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2 (n rounded by adding 1.5·2^23), then the degree-7 Taylor polynomial of e^r
 *   (truncation error r^8/8!·e^r < 7.5e-9 relative), scaled by 2^n built in the exponent bits; ≈ 2 ulp.
 *   Below -87.33654 (where 2^n would leave the normal range) it returns 0, so exp(-Infinity) = 0; above
 *   88.72283 it returns +Infinity; NaN stays NaN.
 * - erf: |x| < 1: x·P(x²), P of degree 6 in x²; 1 ≤ |x| < 4: 1 - exp(-x²)·Q(1/|x|), Q of degree 9
 *   approximating erfc(x)·exp(x²); |x| ≥ 4: ±1 (erf(4) rounds to 1 in float32). P and Q are
 *   weighted least-squares fits (relative error 1.4e-8 and 2.6e-8 in float64); the float32 result is within
 *   ≈ 2 ulp of erf.
 */

import type { ActivationKind } from '../../ops/activation-name.js';
import type { FunctionBuilder, Local } from './module-builder.js';
import { v128 } from './module-builder.js';

/** erf(x)/x ≈ P(x²) on [0, 1], coefficients of x^0, x^2, …, x^12. */
const ERF_SMALL = [
  1.1283791515113624, -0.37612588301664257, 0.11283295717418874, -0.026844150097529357, 0.005172554788975084,
  -0.0007886101884220372, 7.477305921152544e-5,
];
/** erfc(x)·exp(x²) ≈ Q(1/x) on [1, 4], coefficients of u^0 … u^9 with u = 1/x. */
const ERFCX_LARGE = [
  0.00012175221570266087, 0.5617614983775532, 0.020538936978194977, -0.37565939567865037, 0.2292230301563884,
  0.24151787327351176, -0.5418799051944662, 0.4426929831268996, -0.18189835473720528, 0.0311651687474011,
];

const LOG2E = Math.LOG2E;
// ln2 split so that n·LN2_HI is exact for |n| ≤ 2^9 (LN2_HI has 9 significant bits).
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444005469057e-4;
const EXP_LO = -87.33654; // ≈ ln(2^-126): below it 2^n is not a normal float
const EXP_HI = 88.72283; // ≈ ln(FLT_MAX)
const EXP_CLAMP_HI = 88.3762626647949; // 127.5·ln2, so n ≤ 127

/** Scratch v128 locals, allocated once per function. */
const scratch = new WeakMap<FunctionBuilder, Local[]>();
function temps(f: FunctionBuilder, count: number, offset = 0): Local[] {
  let list = scratch.get(f);
  if (!list) scratch.set(f, (list = []));
  while (list.length < offset + count) list.push(f.local(v128));
  return list.slice(offset, offset + count);
}

/** Pushes p(t) = c0 + t·(c1 + t·(… + t·cN)) for the v128 local `t`, by Horner's rule. */
export function emitHorner(f: FunctionBuilder, t: Local, coefficients: readonly number[]): void {
  const n = coefficients.length;
  f.f32x4Const(coefficients[n - 1]);
  for (let i = n - 2; i >= 0; i--) f.get(t).f32x4Mul().f32x4Const(coefficients[i]).f32x4Add();
}

/** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer n, and the sum's bits are 0x4B400000 + n. */
const ROUND_MAGIC = 12582912;
const ROUND_MAGIC_BITS = 0x4b400000;

/** Pushes exp(x) lane-wise. Uses temps 0..2. */
export function emitExp(f: FunctionBuilder, x: Local): void {
  const [xc, t, n] = temps(f, 3, 0);
  // clamp with pmax / pmin, x first so that a NaN stays NaN
  f.get(x).f32x4Const(EXP_LO).f32x4Pmax().f32x4Const(EXP_CLAMP_HI).f32x4Pmin().set(xc);
  // n = round(x·log2e) by the magic-number addition (cheaper than f32x4.nearest + i32x4.trunc_sat)
  f.get(xc).f32x4Const(LOG2E).f32x4Mul().f32x4Const(ROUND_MAGIC).f32x4Add().set(t);
  f.get(t).f32x4Const(ROUND_MAGIC).f32x4Sub().set(n);
  // r = x - n·ln2 (in two parts), kept in xc
  f.get(xc).get(n).f32x4Const(LN2_HI).f32x4Mul().f32x4Sub();
  f.get(n).f32x4Const(LN2_LO).f32x4Mul().f32x4Sub().set(xc);
  emitHorner(f, xc, [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040]);
  // 2^n: the biased exponent n + 127 shifted into place, n read from the magic sum's bits.
  f.get(t).i32x4Const(127 - ROUND_MAGIC_BITS).i32x4Add().i32Const(23).i32x4Shl();
  f.f32x4Mul();
  // Flush below the normal range to 0 (exp(-Infinity) = 0; NaN compares false and stays NaN) …
  f.get(x).f32x4Const(EXP_LO).f32x4Lt().v128AndNot().set(n);
  // … and overflow above it to +Infinity.
  f.f32x4Const(Infinity).get(n).get(x).f32x4Const(EXP_HI).f32x4Gt().v128Bitselect();
}

/** Pushes erf(x) lane-wise. Uses temps 0..6. */
export function emitErf(f: FunctionBuilder, x: Local): void {
  const [ax, t, small, large] = temps(f, 4, 3);
  f.get(x).f32x4Abs().f32x4Const(4).f32x4Pmin().set(ax);
  f.get(ax).get(ax).f32x4Mul().set(t);
  // |x| < 1: |x|·P(x²)
  emitHorner(f, t, ERF_SMALL);
  f.get(ax).f32x4Mul().set(small);
  // 1 ≤ |x|: 1 - exp(-x²)·Q(1/|x|); `t` becomes 1/|x|, `large` holds -x² for exp.
  f.get(t).f32x4Neg().set(large);
  f.f32x4Const(1).get(ax).f32x4Div().set(t);
  emitExp(f, large);
  emitHorner(f, t, ERFCX_LARGE);
  f.f32x4Mul().set(large);
  f.f32x4Const(1).get(large).f32x4Sub().set(large);
  // choose per lane, then give the result x's sign
  f.get(small).get(large).get(ax).f32x4Const(1).f32x4Lt().v128Bitselect();
  f.set(large);
  f.get(x).get(large).i32x4Const(-0x80000000).v128Bitselect();
}

/** Pushes 1 / (1 + exp(-z)) for the v128 local z. Uses temps 0..3. */
export function emitSigmoid(f: FunctionBuilder, z: Local): void {
  const [negZ] = temps(f, 1, 7);
  f.get(z).f32x4Neg().set(negZ);
  f.f32x4Const(1);
  f.f32x4Const(1);
  emitExp(f, negZ);
  f.f32x4Add().f32x4Div();
}

/**
 * The activations of the WASM epilogue, in the order of their ids: every ActivationKind (ops/activation-name.ts),
 * so any activation a checkpoint names runs fused in the GEMM.
 */
export const WASM_ACTIVATIONS = [
  'identity', 'relu', 'geluErf', 'geluTanh', 'quickGelu', 'silu', 'sigmoid', 'gelu10', 'relu2', 'relu6', 'leakyRelu', 'mish', 'tanh',
  'hardSigmoid', 'hardSwish',
] as const satisfies readonly ActivationKind[];
export type WasmActivation = (typeof WASM_ACTIVATIONS)[number];

/** tanh(x)/x ≈ P(x²) on [0, 0.55], coefficients of x^0 … x^12 (least-squares fit, relative error 1e-10). */
const TANH_SMALL = [
  0.9999999999811127, -0.3333333267189567, 0.13333295721450142, -0.053960247599473016, 0.021788070277855624,
  -0.008432805540586764, 0.002419881667075865,
];
const TANH_SMALL_LIMIT = 0.55;

/**
 * Pushes tanh(x) lane-wise: |x| < 0.55: x·P(x²); else sign(x)·(1 − 2/(exp(2|x|) + 1)) (no cancellation there;
 * exp overflowing gives ±1). NaN stays NaN. Uses temps 0..2 and 9..11.
 */
export function emitTanh(f: FunctionBuilder, x: Local): void {
  const [ax, t, small] = temps(f, 3, 9);
  f.get(x).f32x4Abs().set(ax);
  f.get(x).get(x).f32x4Mul().set(t);
  emitHorner(f, t, TANH_SMALL);
  f.get(x).f32x4Mul().set(small);
  f.get(ax).f32x4Const(2).f32x4Mul().set(t);
  f.f32x4Const(1).f32x4Const(2);
  emitExp(f, t);
  f.f32x4Const(1).f32x4Add().f32x4Div().f32x4Sub().set(t);
  // sign(x)·large, then the small-|x| branch where it applies (a NaN fails `<` and keeps the large one, NaN)
  f.get(x).get(t).i32x4Const(-0x80000000).v128Bitselect().set(t);
  f.get(small).get(t).get(ax).f32x4Const(TANH_SMALL_LIMIT).f32x4Lt().v128Bitselect();
}

/**
 * Pushes mish(x) = x·tanh(softplus(x)) lane-wise as x·n/(n + 2) with n = e^x·(e^x + 2) (the same value,
 * without a logarithm or cancellation); x above 20 gives x, as the reference. Uses temps 0..2 and 12..13.
 */
export function emitMish(f: FunctionBuilder, x: Local): void {
  const [e, n] = temps(f, 2, 12);
  f.get(x).f32x4Const(20).f32x4Pmin().set(e);
  emitExp(f, e);
  f.set(e);
  f.get(e).f32x4Const(2).f32x4Add().get(e).f32x4Mul().set(n);
  f.get(x).get(n).f32x4Mul().get(n).f32x4Const(2).f32x4Add().f32x4Div().set(n);
  f.get(x).get(n).get(x).f32x4Const(20).f32x4Gt().v128Bitselect();
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Pushes act(x) for the v128 local x, written as torch writes it:
 * geluErf x·0.5·(1 + erf(x/√2)); geluTanh 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), using
 * 0.5(1 + tanh(z)) = sigmoid(2z); quickGelu x·sigmoid(1.702x); silu x·sigmoid(x).
 */
export function emitActivation(f: FunctionBuilder, act: WasmActivation, x: Local): void {
  const [y] = temps(f, 1, 8);
  switch (act) {
    case 'identity':
      f.get(x);
      return;
    case 'relu':
      f.get(x).f32x4Const(0).f32x4Pmax(); // x < 0 ? 0 : x (NaN stays NaN)
      return;
    case 'geluErf':
      f.get(x).f32x4Const(SQRT1_2).f32x4Mul().set(y);
      f.get(x).f32x4Const(0.5).f32x4Mul();
      emitErf(f, y);
      f.f32x4Const(1).f32x4Add().f32x4Mul();
      return;
    case 'geluTanh':
      f.get(x).get(x).f32x4Mul().get(x).f32x4Mul().f32x4Const(0.044715).f32x4Mul().get(x).f32x4Add();
      f.f32x4Const(2 * SQRT_2_OVER_PI).f32x4Mul().set(y);
      f.get(x);
      emitSigmoid(f, y);
      f.f32x4Mul();
      return;
    case 'quickGelu':
      f.get(x).f32x4Const(1.702).f32x4Mul().set(y);
      f.get(x);
      emitSigmoid(f, y);
      f.f32x4Mul();
      return;
    case 'silu':
      f.get(x);
      emitSigmoid(f, x);
      f.f32x4Mul();
      return;
    case 'sigmoid':
      emitSigmoid(f, x);
      return;
    case 'gelu10':
      emitActivation(f, 'geluErf', x);
      f.f32x4Const(-10).f32x4Pmax().f32x4Const(10).f32x4Pmin(); // pmax / pmin keep a NaN
      return;
    case 'relu2':
      f.get(x).f32x4Const(0).f32x4Pmax().tee(y).get(y).f32x4Mul();
      return;
    case 'relu6':
      f.get(x).f32x4Const(0).f32x4Pmax().f32x4Const(6).f32x4Pmin();
      return;
    case 'leakyRelu':
      f.get(x).f32x4Const(0.01).f32x4Mul().get(x).get(x).f32x4Const(0).f32x4Lt().v128Bitselect();
      return;
    case 'mish':
      emitMish(f, x);
      return;
    case 'tanh':
      emitTanh(f, x);
      return;
    case 'hardSigmoid': // relu6(x + 3) / 6 (pmax / pmin keep a NaN)
      f.get(x).f32x4Const(3).f32x4Add().f32x4Const(0).f32x4Pmax().f32x4Const(6).f32x4Pmin().f32x4Const(6).f32x4Div();
      return;
    case 'hardSwish': // x · relu6(x + 3) / 6
      f.get(x).f32x4Const(3).f32x4Add().f32x4Const(0).f32x4Pmax().f32x4Const(6).f32x4Pmin().get(x).f32x4Mul().f32x4Const(6).f32x4Div();
      return;
  }
}
