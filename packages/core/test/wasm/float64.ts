/** Float64 ground truth for the WASM kernel tests (naive loops, written independently of the kernels). */

/** erf in float64: 2/√π·e^{-x²}·Σ (2x²)^n·x / (1·3·…·(2n+1)); all terms positive, so no cancellation. */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 0; n < 1000 && term > sum * 1e-18; n++) {
    term *= (2 * a * a) / (2 * n + 3);
    sum += term;
  }
  return Math.sign(x) * Math.min(1, (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum);
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export const activation64: Record<string, (x: number) => number> = {
  identity: (x) => x,
  relu: (x) => Math.max(0, x),
  geluErf: (x) => 0.5 * x * (1 + erf64(x / Math.SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
  quickGelu: (x) => x * sigmoid(1.702 * x),
  silu: (x) => x * sigmoid(x),
  sigmoid,
  gelu10: (x) => Math.min(10, Math.max(-10, 0.5 * x * (1 + erf64(x / Math.SQRT2)))),
  relu2: (x) => (x < 0 ? 0 : x * x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  leakyRelu: (x) => (x < 0 ? 0.01 * x : x),
  mish: (x) => x * Math.tanh(Math.log1p(Math.exp(x))),
  tanh: Math.tanh,
  hardSigmoid: (x) => Math.min(6, Math.max(0, x + 3)) / 6,
  hardSwish: (x) => (x * Math.min(6, Math.max(0, x + 3))) / 6,
};

/**
 * Largest |derivative| of each activation (its Lipschitz constant), which bounds how an input error
 * propagates: geluErf' = Φ(x) + xφ(x) peaks at x = √2 with 1.1289; geluTanh likewise ≈ 1.13;
 * quickGelu' peaks ≈ 1.1; silu' ≈ 1.0998; sigmoid' ≤ 1/4; mish' peaks ≈ 1.09; tanh', relu6' ≤ 1. (relu2's
 * slope 2x is unbounded: not listed.)
 */
export const lipschitz: Record<string, number> = {
  identity: 1, relu: 1, geluErf: 1.13, geluTanh: 1.13, quickGelu: 1.11, silu: 1.1, sigmoid: 0.25,
  gelu10: 1.13, relu6: 1, leakyRelu: 1, mish: 1.1, tanh: 1, hardSigmoid: 1 / 6, hardSwish: 1.5,
};

/** float32 unit roundoff. */
export const U32 = 2 ** -24;

/** Higham's γ_n = n·u / (1 - n·u): |fl(Σ x_i y_i) - Σ x_i y_i| ≤ γ_n Σ |x_i y_i| in any summation order. */
export function gamma(n: number): number {
  return (n * U32) / (1 - n * U32);
}

/** Deterministic pseudo-random floats in [-1, 1) (xorshift32). */
export function randomFloats(length: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
